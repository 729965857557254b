/**
 * Leaving every organization before an account is deleted, and the
 * last-owner rule that may refuse it. Each organization's write-side state
 * decides (never the read model): the whole list is checked before anyone
 * leaves anything, so a refusal changes nothing.
 */
import { AppError } from '~/server/errors';
import { loadState, runCommand, type CommandScope } from '~/server/commands/handler';
import { organizationDecider } from '~/server/modules/organizations/commands';

/** The caller is the last owner of these organizations: someone else must become owner first. */
export class LastOwnerError extends AppError {
  constructor(readonly organizations: ReadonlyArray<{ id: string; name: string }>) {
    const names = organizations.map((o) => `“${o.name}”`).join(', ');
    super(
      'CONFLICT',
      `You are the last owner of ${names}. Before deleting your account, make another member owner there first (its Settings and members page: change their role to Owner).`,
    );
  }
}

export async function leaveEveryOrganization(scope: Omit<CommandScope, 'organizationId'>, organizations: ReadonlyArray<{ id: string; name: string }>): Promise<void> {
  const userId = scope.session.user.id;
  const states = await Promise.all(organizations.map(async (o) => ({ ...o, state: (await loadState(scope.writeSide, organizationDecider, o.id, o.id)).state })));
  const lastOwned = states.filter(({ state }) => {
    const owners = state?.members.filter((m) => m.role === 'owner') ?? [];
    return owners.length === 1 && owners[0]?.userId === userId;
  });
  if (lastOwned.length > 0) throw new LastOwnerError(lastOwned.map(({ id, name }) => ({ id, name })));
  for (const { id, state } of states) {
    if (!state?.members.some((m) => m.userId === userId)) continue;
    await runCommand({ ...scope, organizationId: id }, organizationDecider, id, { type: 'leave' });
  }
}

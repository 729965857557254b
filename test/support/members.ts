/**
 * Members join an organization in tests the way accepting an invitation
 * makes them join (`member.added` on the organization), without the mail
 * round trip, and the whole read side catches up before the test goes on.
 */
import { writeSide } from '~/server/app/context';
import { catchUp } from '~/server/app/projectors';
import { recordEvents } from '~/server/commands/handler';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { memberAdded } from '~/server/modules/organizations/events';
import type { Role } from '~/server/modules/organizations/events';

export async function addMembers(
  organizationId: string,
  actorId: string,
  members: ReadonlyArray<{ userId: string; email: string; role?: Role }>,
): Promise<{ settled: boolean }> {
  const result = await recordEvents(writeSide(), {
    decider: organizationDecider,
    organizationId,
    aggregateId: organizationId,
    actorId,
    events: members.map((m) => memberAdded.create({ userId: m.userId, email: m.email, role: m.role ?? 'member' })),
  });
  return catchUp(result.positions.at(-1));
}

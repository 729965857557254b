/**
 * The setups many integration tests start from, built through the app's own
 * procedures: an organization with a member of each role, and a project board
 * with tasks. Every call makes new users and ids (tests never share data),
 * and members are settled into every read model before it returns.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '~/server/modules/organizations/events';
import { as } from './callers';
import { addMembers } from './members';

export type User = ReturnType<typeof as>;
export type Status = 'todo' | 'doing' | 'done';
export type Placement = { status: Status; after: string | null; before: string | null };

/** A URL name no other test uses. */
export const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The end of a column (no neighbours given): where a task lands by default. */
export const column = (status: Status): Placement => ({ status, after: null, before: null });

/** Makes `members` members of the organization, through `member.added`, and waits until the read side has them. */
async function join(organizationId: string, owner: User, members: ReadonlyArray<{ user: User; role: Role }>): Promise<void> {
  if (members.length === 0) return;
  const joined = members.map(({ user, role }) => ({ userId: user.session.user.id, email: user.session.user.email, role }));
  const { settled } = await addMembers(organizationId, owner.session.user.id, joined);
  if (!settled) throw new Error('the members added by the fixture did not reach the read models in time');
}

/** An organization of a new owner, with an admin and a member who joined it, and an outsider who did not. */
export async function organizationWithMembers(opts: { name?: string } = {}) {
  const [owner, admin, member] = [as('owner'), as('admin'), as('member')];
  const { id: organizationId, slug: organizationSlug } = await owner.api.organizations.create({ name: opts.name ?? 'Acme', slug: slug('acme') });
  await join(organizationId, owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
  return { organizationId, slug: organizationSlug, owner, admin, member, outsider: as('outsider') };
}

export interface BoardOptions<T extends ReadonlyArray<string>> {
  /** The organization to put the project in; a new one of `owner` (named "Acme") by default. */
  organization?: { organizationId: string; owner: User };
  /** Who creates the organization and the project, and adds tasks unless told otherwise: a new "owner" by default. */
  owner?: User;
  /** Name and URL name of a new organization. */
  name?: string;
  slug?: string;
  /** People who join the new organization: as members, or with the role given. */
  members?: ReadonlyArray<User | { user: User; role: Role }>;
  /** The project's name: "Launch" by default. */
  project?: string;
  /** Titles of tasks to create at the end of To do, in order; their ids come back in `taskIds`. */
  tasks?: T;
}

/**
 * A project board, in a new organization or a given one, with `tasks` on
 * it; `add`, `move` and `view` act on it (as the owner unless `by` says who).
 */
export async function boardWithTasks<const T extends ReadonlyArray<string> = []>(opts: BoardOptions<T> = {}) {
  const owner = opts.organization?.owner ?? opts.owner ?? as('owner');
  let organizationId = opts.organization?.organizationId;
  if (!organizationId) {
    organizationId = (await owner.api.organizations.create({ name: opts.name ?? 'Acme', slug: opts.slug ?? slug('acme') })).id;
    await join(organizationId, owner, (opts.members ?? []).map((m) => ('user' in m ? m : { user: m, role: 'member' as const })));
  }
  const inOrganization = organizationId;
  const { id: projectId } = await owner.api.tasks.createProject({ organizationId: inOrganization, name: opts.project ?? 'Launch' });
  const add = (title: string, placement: Status | Placement = 'todo', by: User = owner) =>
    by.api.tasks.create({ organizationId: inOrganization, projectId, title, placement: typeof placement === 'string' ? column(placement) : placement });
  const move = (taskId: string, placement: Status | Placement, by: User = owner) =>
    by.api.tasks.move({ organizationId: inOrganization, taskId, placement: typeof placement === 'string' ? column(placement) : placement });
  const view = async () => (await owner.api.tasks.board({ organizationId: inOrganization, projectId })).tasks;
  const ids: string[] = [];
  for (const title of opts.tasks ?? []) ids.push((await add(title)).id);
  // One id per title given, in order: the tuple type says as much.
  const taskIds = ids as { -readonly [K in keyof T]: string };
  return { organizationId: inOrganization, projectId, owner, taskIds, add, move, view };
}

/**
 * What the UI calls task statuses and member roles, in one place: the board's
 * columns, the dashboard's counts, the activity feed and the members' role
 * select all read these. A status or role added on the server is a compile
 * error here until it has its label.
 */
import type { Role } from '~/server/modules/organizations/events';
import type { Status } from '~/server/modules/tasks/events';

export const STATUS_LABELS = { todo: 'To do', doing: 'Doing', done: 'Done' } as const satisfies Record<Status, string>;

/** The board's columns, left to right (and the dashboard's counts in the same order). */
export const STATUS_ORDER: ReadonlyArray<Status> = ['todo', 'doing', 'done'];

export const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const satisfies Record<Role, string>;

/** Roles from the most to the least powerful, as the role select lists them. */
export const ROLE_ORDER: ReadonlyArray<Role> = ['owner', 'admin', 'member'];

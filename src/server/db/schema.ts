/**
 * The schema barrel: every table drizzle-kit migrates and the `db` client
 * knows. Add one line per module that owns tables.
 */
export * from './auth-schema';
export * from './event-core-schema';
export * from '../modules/organizations/read-models/directory';
export * from '../modules/tasks/read-models/board';
export * from '../modules/activity/read-models/feed';
export * from '../mail/dev-mailbox';
export * from '../modules/tasks/read-models/dashboard';

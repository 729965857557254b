/**
 * One random data key per person (crypto-shredding, src/server/events/personal.ts):
 * the personal fields of their events are sealed with it before they reach
 * Redis, and erasing the person deletes the row, which makes every copy of
 * those fields unreadable at once (streams, `event_log`, backups of either).
 * Owned by src/server/events; never copied into Redis or a read model.
 */
import { customType, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const personalDataKeys = pgTable('personal_data_keys', {
  /** Whose data the key seals: `user:<id>` or `email:<sha-256 of the address>` (see subjects in personal.ts). */
  subject: text('subject').primaryKey(),
  /** 32 random bytes: an AES-256-GCM key. */
  key: bytea('key').notNull(),
  createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
});

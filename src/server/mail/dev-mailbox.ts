/**
 * The development mailbox: with no mail provider configured (no EMAIL_SERVER
 * or RESEND_API_KEY), mails "sent" land in this table, and /dev/mailbox shows
 * them. Written only by reactors, through the
 * `Mailer` interface, inside the reactor's transaction: a mail is stored
 * exactly once per event, together with the reactor's checkpoint.
 */
import { desc, eq, sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import type { Tx } from '~/server/projectors/define-projector';
import type { Mailer } from './mailer';

export const devMailbox = pgTable(
  'dev_mailbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    sentAt: timestamp('sent_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dev_mailbox_to').on(t.to, t.sentAt)],
);

/** A mailer that stores each mail in `dev_mailbox` through the caller's transaction. */
export function devMailer(tx: Tx): Mailer {
  return {
    send: async ({ to, subject, text }) => {
      await tx.insert(devMailbox).values({ to: to.toLowerCase(), subject, text });
    },
  };
}

/** Mails addressed to `email`, newest first. */
export async function mailsTo(db: Db, email: string) {
  return db
    .select({ id: devMailbox.id, to: devMailbox.to, subject: devMailbox.subject, text: devMailbox.text, sentAt: devMailbox.sentAt })
    .from(devMailbox)
    .where(eq(devMailbox.to, email.toLowerCase()))
    .orderBy(desc(devMailbox.sentAt), desc(sql`${devMailbox.id}`))
    .limit(100);
}

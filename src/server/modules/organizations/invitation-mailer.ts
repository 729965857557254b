/**
 * The invitation mailer: a reactor that mails the accept link when an
 * invitation is created. The event holds only the token's hash; the link is
 * derived again from the invitation id (see ./invitation-token.ts). The
 * runtime records the event id in the same transaction as the mail, so a
 * redelivered event sends nothing twice; the mail's idempotency key, named
 * after the event, keeps a rerun after a rollback from sending it again
 * (see src/server/mail). Its log lines carry the event's correlation id.
 */
import { eq } from 'drizzle-orm';
import { mailerFor } from '~/server/mail';
import { defineReactor } from '~/server/projectors/define-projector';
import { invitationCreated } from './events';
import { invitationUrl } from './invitation-token';
import { organizations } from './read-models/directory';

export const invitationMailer = defineReactor({
  name: 'invitation-mailer',
  events: [invitationCreated],
  handlers: {
    'invitation.created': async (event, tx, { log }) => {
      // The directory may not have caught up with the organization yet; the mail reads fine without its name.
      const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, event.aggregateId));
      const where = org ? org.name : 'an organization';
      const url = invitationUrl(event.aggregateId, event.data.invitationId, { absolute: true });
      await mailerFor(tx, log).send({
        idempotencyKey: `invitation/${event.id}`,
        to: event.data.email,
        subject: `You are invited to join ${where} on Streamline`,
        text: [
          `You have been invited to join ${where} as ${event.data.role}.`,
          '',
          `Open this link to accept: ${url}`,
          '',
          `The link works until ${event.data.expiresAt}.`,
        ].join('\n'),
      });
      log.info({ invitationId: event.data.invitationId }, 'invitation mailed');
    },
  },
});

/**
 * The development mailbox (see src/server/mail): lets a signed-in user read
 * the mails addressed to their own email. Exists only while the development
 * sign-in is on; anywhere else it is FORBIDDEN.
 */
import { TRPCError } from '@trpc/server';
import { protectedProcedure, router } from '~/server/api/trpc';
import { enabledProviders } from '~/server/auth/providers';
import { mailsTo } from '~/server/mail';

export const mailboxRouter = router({
  list: protectedProcedure.query(({ ctx }) => {
    if (!enabledProviders.dev) throw new TRPCError({ code: 'FORBIDDEN', message: 'The development mailbox is off.' });
    return mailsTo(ctx.db, ctx.session.user.email);
  }),
});

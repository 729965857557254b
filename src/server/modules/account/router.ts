/**
 * A person's own account: their profile, display name, sessions, and
 * deleting the account (crypto-shredding: src/server/events/personal.ts).
 * Not organization-scoped: every procedure acts on the caller themself. The
 * account's events live in its own partition (organization id = user id).
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { protectedProcedure, router } from '~/server/api/trpc';
import { revokeSessions } from '~/server/auth/revocations';
import { runCommand, type CommandScope } from '~/server/commands/handler';
import { accounts, users } from '~/server/db/auth-schema';
import { subjects } from '~/server/events/personal';
import { forgetKeys } from '~/server/events/personal-keys';
import { devMailbox } from '~/server/mail/dev-mailbox';
import { organizationsOf } from '~/server/modules/organizations/read-models/directory';
import { accountDecider } from './commands';
import { displayNameSchema } from './events';
import { gravatarUrl, initialsOf } from './avatar';
import { leaveEveryOrganization } from './leave-all';

/** The caller's account as its own tenant. */
const own = (ctx: Omit<CommandScope, 'organizationId'>): CommandScope => ({ ...ctx, organizationId: ctx.session.user.id });

export const accountRouter = router({
  /** The caller's profile: email, display name (null until they set one), avatar. */
  get: protectedProcedure.query(async ({ ctx }) => {
    const { id, email } = ctx.session.user;
    const [user] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, id));
    const name = user?.name ?? ctx.session.user.name ?? null;
    return { email, name, initials: initialsOf(name, email), gravatarUrl: gravatarUrl(email) };
  }),

  /** Sets the display name; every organization the caller belongs to shows it, live. */
  rename: protectedProcedure.input(z.object({ name: displayNameSchema })).mutation(async ({ ctx, input }) => {
    const result = await runCommand(own(ctx), accountDecider, ctx.session.user.id, { type: 'rename', name: input.name });
    await ctx.db.update(users).set({ name: input.name }).where(eq(users.id, ctx.session.user.id));
    return result;
  }),

  /** Ends every session of the caller, on every device, this one included. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await revokeSessions(ctx.session.user.id);
    return { signedOut: true };
  }),

  /**
   * Deletes the caller's account: refused (LastOwnerError) while they are the
   * last owner of an organization; else they leave every organization, their
   * data keys are destroyed (their names and emails read as "Deleted user"
   * everywhere from then on, rebuilds included), `user.forgotten` tells the
   * read models, and their sessions and sign-in record end.
   */
  delete: protectedProcedure.mutation(async ({ ctx }) => {
    const { id, email } = ctx.session.user;
    const organizations = await organizationsOf(ctx.db, id);
    await leaveEveryOrganization(ctx, organizations);
    const destroyed = [subjects.user(id), subjects.email(email)];
    await forgetKeys(ctx.db, destroyed);
    const result = await runCommand(own(ctx), accountDecider, id, { type: 'forget', subjects: destroyed });
    await revokeSessions(id);
    await ctx.db.delete(accounts).where(eq(accounts.userId, id));
    await ctx.db.update(users).set({ name: null, email: null, image: null }).where(eq(users.id, id));
    // The development mailbox stands in for their inbox (sign-in links, invitations): it goes with them.
    await ctx.db.delete(devMailbox).where(eq(devMailbox.to, email.toLowerCase()));
    return { ...result, left: organizations.length };
  }),
});

/**
 * The app router: one line per feature module. Add your module's router here.
 */
import { createCallerFactory, router } from '~/server/api/trpc';
import { accountRouter } from '~/server/modules/account/router';
import { activityRouter } from '~/server/modules/activity/router';
import { mailboxRouter } from '~/server/modules/mailbox/router';
import { operationsRouter } from '~/server/modules/operations/router';
import { organizationsRouter } from '~/server/modules/organizations/router';
import { systemRouter } from '~/server/modules/system/router';
import { tasksRouter } from '~/server/modules/tasks/router';
import { catalogueRouter } from './catalogue-router';

export const appRouter = router({
  system: systemRouter,
  organizations: organizationsRouter,
  tasks: tasksRouter,
  activity: activityRouter,
  mailbox: mailboxRouter,
  operations: operationsRouter,
  catalogue: catalogueRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(createContextInner({ session }))`. */
export const createCaller = createCallerFactory(appRouter);

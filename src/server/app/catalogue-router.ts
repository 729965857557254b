/**
 * The event catalogue page's query (/o/<id>/events): every event type the
 * app knows, for the owners and admins of an organization. It lives in the
 * composition root because it describes every feature at once.
 */
import { router } from '~/server/api/trpc';
import { organizationProcedureFor } from '~/server/modules/organizations/procedures';
import { appEventCatalogue } from './event-catalogue';

export const catalogueRouter = router({
  /** Every event type: version, description, fields, example, aggregate, readers and views. */
  events: organizationProcedureFor('admin').query(() => appEventCatalogue()),
});

/**
 * The app's event catalogue as documentation: every event type of the
 * deciders (./catalogue.ts), with the projectors and reactors the app runs
 * (./projectors.ts) that read it and the queries their change notices
 * refresh (./live-queries.ts), listed as its views. `npm run catalogue` prints it; the
 * organization's event catalogue page (`catalogue.events`) shows it.
 *
 * Nothing to edit here: a new event, decider, projector or view shows up by
 * itself once it is registered where it belongs.
 */
import { describeEvents, type EventCatalogueDescription } from '~/server/events/describe';
import { deciders } from './catalogue';
import { stalePaths } from './live-queries';
import { projectors } from './projectors';

let described: EventCatalogueDescription | undefined;

/** Computed once per process: it depends only on the code. */
export function appEventCatalogue(): EventCatalogueDescription {
  described ??= describeEvents({ deciders, projectors, viewsOf: (projector) => stalePaths({ projector }) });
  return described;
}

/**
 * The app's event catalogue: every feature module's events, one line each.
 * A type that is not listed here cannot be appended, and entries of it are
 * parked as undecodable when read.
 *
 * Add a feature: `...myFeatureEvents,` (the array its events.ts exports).
 */
import { organizationEvents } from '~/server/modules/organizations/events';
import { taskEvents } from '~/server/modules/tasks/events';
import { createCatalogue } from './catalogue';

export const catalogue = createCatalogue([...organizationEvents, ...taskEvents]);
export type AppCatalogue = typeof catalogue;

/**
 * The app's event catalogue: every feature module's events, one line each.
 * A type that is not listed here cannot be appended, and entries of it are
 * parked as undecodable when read.
 *
 * Add a feature: `...myFeatureEvents,` (the array its events.ts exports).
 */
import { createCatalogue } from './catalogue';
import type { EventDefinition } from './define-event';

const featureEvents = [] as const satisfies readonly EventDefinition[];

export const catalogue = createCatalogue(featureEvents);
export type AppCatalogue = typeof catalogue;

/**
 * The app's write side: every aggregate's decider, and the event catalogue
 * built from their events. A type that is not listed here cannot be appended,
 * and entries of it are parked as undecodable when read.
 *
 * Add an aggregate: one line in `deciders` (its events join the catalogue).
 */
import { createCatalogue } from '~/server/events/catalogue';
import type { AnyDecider } from '~/server/events/decider';
import { accountDecider } from '~/server/modules/account/commands';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { projectDecider, taskDecider } from '~/server/modules/tasks/commands';

export const deciders = [organizationDecider, projectDecider, taskDecider, accountDecider] as const satisfies ReadonlyArray<AnyDecider>; // a tuple: the catalogue keeps each event's type

/** Every decider's events, typed as the union of them all. */
type AppEvent = (typeof deciders)[number]['events'][number];

export const catalogue = createCatalogue(deciders.flatMap((decider): ReadonlyArray<AppEvent> => decider.events));
export type AppCatalogue = typeof catalogue;

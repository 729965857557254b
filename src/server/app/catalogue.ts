/**
 * The app's write side: every aggregate's decider, and the event catalogue
 * built from their events. A type that is not listed here cannot be appended,
 * and entries of it are parked as undecodable when read.
 *
 * Add an aggregate: one line in `deciders` (its events join the catalogue).
 */
import { createCatalogue } from '~/server/events/catalogue';
import type { AnyDecider } from '~/server/events/decider';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { projectDecider, taskDecider } from '~/server/modules/tasks/commands';

export const deciders: ReadonlyArray<AnyDecider> = [organizationDecider, projectDecider, taskDecider];

export const catalogue = createCatalogue([...organizationDecider.events, ...projectDecider.events, ...taskDecider.events]);
export type AppCatalogue = typeof catalogue;

/**
 * The sections of the operations page, top to bottom. Add one: a component
 * in this folder that renders a <Section> (./section.tsx) and fetches what it
 * needs through tRPC (the status through ./use-operations-status.ts, shared
 * by every section), and one line here.
 */
import type { ComponentType } from 'react';
import { DeadLettersSection } from './dead-letters-section';
import { PartitionsSection } from './partitions-section';
import { ProjectorsSection } from './projectors-section';
import { Rebuilds } from './rebuilds';
import { WorkersSection } from './workers-section';

export const SECTIONS: ReadonlyArray<{ id: string; Component: ComponentType }> = [
  { id: 'projectors', Component: ProjectorsSection },
  { id: 'dead-letters', Component: DeadLettersSection },
  { id: 'rebuilds', Component: Rebuilds },
  { id: 'partitions', Component: PartitionsSection },
  { id: 'workers', Component: WorkersSection },
];

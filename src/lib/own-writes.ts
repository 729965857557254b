/**
 * The browser's half of read-your-writes (G10), as plain state machines: one
 * per (organization, read model) the user writes to, kept by
 * `createOwnWritesTracker`, which the query client's MutationCache feeds with
 * every mutation (src/trpc/own-writes-cache.ts) and the organization's live
 * connection with every notice (src/app/o/[slug]/live-updates.tsx).
 *
 * A command answers with the position of its last event and whether the read
 * models reached it within the server's bounded wait. Until then, and while any
 * of the user's commands to that read model are still in flight, a refetch of
 * its queries could only show a state older than the user's own (an optimistic
 * move would jump back), so they wait until it is quiet. A write the read model
 * had not reached is "syncing" until a notice from its projector covers it.
 */
import { covers, later, type Position } from './positions';

export interface OwnWritesNotice {
  projector: string;
  position: Position;
  reset?: boolean;
}

/** What a mutation answered, as far as read-your-writes is concerned (a command's `position` and `settled`). */
export interface WriteResult {
  settled: boolean;
  position: Position | null;
}

/** One read model's machine: `refetch` refetches its queries. */
export function createOwnWrites(opts: { projector: string; refetch: () => Promise<unknown>; onSyncing: (syncing: boolean) => void }) {
  let inFlight = 0;
  let unconfirmed: Position | null = null;
  let applied: Position | null = null;
  // How far the last refetch of its queries after a settled write is known to reach: notices up to there bring nothing new.
  let refetchedTo: Position | null = null;
  let settledTo: Position | null = null;
  // A notice of its projector arrived while it was not quiet, so the live connection held its refetch back.
  let heldBack = false;
  const quiet = () => inFlight === 0 && unconfirmed === null;
  const refetchIfQuiet = () => {
    if (!quiet()) return undefined;
    heldBack = false;
    return opts.refetch();
  };
  const confirmAll = () => {
    if (unconfirmed === null) return;
    unconfirmed = null;
    opts.onSyncing(false);
  };

  return {
    /** Whether the live connection must leave this read model's queries alone for this notice. */
    holds: (notice: OwnWritesNotice): boolean => {
      if (!quiet()) return true;
      return notice.projector === opts.projector && !notice.reset && covers(refetchedTo, notice.position);
    },
    /** A mutation's onMutate. */
    started: () => {
      inFlight += 1;
    },
    /** A mutation's onSuccess. */
    written: (result: WriteResult) => {
      if (result.settled && result.position) settledTo = later(settledTo, result.position);
      if (result.settled || !result.position || covers(applied, result.position)) return;
      unconfirmed = later(unconfirmed, result.position);
      opts.onSyncing(true);
    },
    /** A mutation's onSettled, after success or failure alike: the server's state is worth showing once nothing else is pending. */
    finished: () => {
      inFlight = Math.max(0, inFlight - 1);
      if (!quiet()) return undefined;
      if (settledTo) refetchedTo = later(refetchedTo, settledTo);
      settledTo = null;
      return refetchIfQuiet();
    },
    /** Every change notice of the page's live connection. */
    observed: (notice: OwnWritesNotice) => {
      const wasQuiet = quiet();
      if (notice.reset) {
        confirmAll(); // notices were missed: nothing can be assumed about what the read model has
      } else if (notice.projector === opts.projector) {
        applied = later(applied, notice.position);
        if (unconfirmed && covers(notice.position, unconfirmed)) confirmAll();
      } else {
        return undefined;
      }
      if (!wasQuiet) heldBack = true;
      return heldBack ? refetchIfQuiet() : undefined;
    },
  };
}

export type OwnWrites = ReturnType<typeof createOwnWrites>;

/** Which read model of which organization a mutation writes to. */
export interface WriteTarget {
  organizationId: string;
  projector: string;
}

/**
 * The machines of every organization and read model the user writes to,
 * made on first use, and whether each organization has a write syncing
 * (a store for `useSyncExternalStore`).
 */
export function createOwnWritesTracker(opts: { refetch: (target: WriteTarget) => Promise<unknown> }) {
  const machines = new Map<string, Map<string, OwnWrites>>();
  const syncing = new Map<string, Set<string>>();
  const listeners = new Set<() => void>();
  const machineFor = (target: WriteTarget): OwnWrites => {
    const ofOrganization = machines.get(target.organizationId) ?? new Map<string, OwnWrites>();
    machines.set(target.organizationId, ofOrganization);
    const existing = ofOrganization.get(target.projector);
    if (existing) return existing;
    const machine = createOwnWrites({
      projector: target.projector,
      refetch: () => opts.refetch(target),
      onSyncing: (now) => {
        const set = syncing.get(target.organizationId) ?? new Set<string>();
        if (now) set.add(target.projector);
        else set.delete(target.projector);
        syncing.set(target.organizationId, set);
        for (const listener of listeners) listener();
      },
    });
    ofOrganization.set(target.projector, machine);
    return machine;
  };
  const machinesOf = (organizationId: string) => [...(machines.get(organizationId) ?? new Map<string, OwnWrites>())];

  return {
    /** The MutationCache's onMutate, onSuccess and onSettled of a mutation writing to `target`. */
    started: (target: WriteTarget) => machineFor(target).started(),
    written: (target: WriteTarget, result: WriteResult) => machineFor(target).written(result),
    finished: (target: WriteTarget) => machineFor(target).finished(),
    /** The read models whose queries a notice of the organization must not refetch. */
    holding: (organizationId: string, notice: OwnWritesNotice): string[] => machinesOf(organizationId).filter(([, m]) => m.holds(notice)).map(([projector]) => projector),
    /** Every notice of the organization, after `holding`. */
    observed: (organizationId: string, notice: OwnWritesNotice) => Promise.all(machinesOf(organizationId).map(([, m]) => m.observed(notice))),
    /** Whether a write of the user to the organization is not in its read model yet. */
    syncing: (organizationId: string): boolean => (syncing.get(organizationId)?.size ?? 0) > 0,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type OwnWritesTracker = ReturnType<typeof createOwnWritesTracker>;

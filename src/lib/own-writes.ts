/**
 * The browser's half of read-your-writes (G10) for one view, as a plain state
 * machine (`useReadYourWrites` wraps it for React).
 *
 * A command answers with the position of its last event and whether the read
 * models reached it within the server's bounded wait. Until then, and while any
 * of the user's commands are still in flight, a refetch could only show a state
 * older than the user's own (an optimistic move would jump back), so the view's
 * refetches wait until it is quiet. A write the read model had not reached is
 * "syncing" until a notice from the view's projector covers it.
 */
import { covers, later, type Position } from './positions';
import type { View } from './stale-views';

export interface OwnWritesNotice {
  projector: string;
  position: Position;
  reset?: boolean;
}

export function createOwnWrites(opts: { view: View; projector: string; refetch: () => Promise<unknown>; onSyncing: (syncing: boolean) => void }) {
  let inFlight = 0;
  let unconfirmed: Position | null = null;
  let applied: Position | null = null;
  // How far the view's last refetch after a settled write is known to reach: notices up to there bring nothing new.
  let refetchedTo: Position | null = null;
  let settledTo: Position | null = null;
  // A notice for the view arrived while it was not quiet, so the live connection held its refetch back.
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
    /** Views the live connection must not refetch for this notice. */
    hold: (notice: OwnWritesNotice): ReadonlyArray<View> => {
      if (!quiet()) return [opts.view];
      const known = notice.projector === opts.projector && !notice.reset && covers(refetchedTo, notice.position);
      return known ? [opts.view] : [];
    },
    /** A mutation's onMutate. */
    started: () => {
      inFlight += 1;
    },
    /** A mutation's onSuccess. */
    written: (result: { settled: boolean; position: Position | null }) => {
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

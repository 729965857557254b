/**
 * What the machinery reports as it works, for metrics: appends, projector
 * batches, change notices, live subscriptions. The event store, the projector
 * runtime and the notice hub take an optional `Observer` and call it through
 * `report`; ./metrics.ts implements it with prom-client, so the machinery
 * never sees a metrics library.
 *
 * Every method is optional, and `report` swallows whatever one throws:
 * counting must never fail the write, batch or subscription it counts.
 *
 * Edit it when the machinery has something new worth counting.
 */

/** How an append ended. */
export type AppendOutcome = 'appended' | 'duplicate' | 'conflict' | 'claim-taken' | 'failed';

export interface Observer {
  /**
   * An append finished (or failed) after `seconds`. `types`: the event types
   * it wrote (empty unless `appended`); `conflictOn`: the aggregate type whose
   * version had moved on (for `conflict`).
   */
  append?(report: { outcome: AppendOutcome; seconds: number; types: ReadonlyArray<string>; conflictOn?: string }): void;
  /** A projector committed a batch of `events` entries (applied, parked or skipped) in `seconds`. */
  batch?(report: { projector: string; partition: number; events: number; seconds: number }): void;
  /** A projector's batch transaction failed (it is retried after a backoff). */
  batchFailed?(report: { projector: string; partition: number }): void;
  /** Change notices a projector sent after a batch, one per organization it touched. */
  notices?(report: { projector: string; sent: number }): void;
  /** A live (SSE) subscription opened (+1) or ended (-1) in this process. */
  subscribers?(delta: 1 | -1): void;
}

/** Calls one of the observer's methods, if there is an observer; never throws. */
export function report(observer: Observer | undefined, call: (observer: Observer) => void): void {
  if (!observer) return;
  try {
    call(observer);
  } catch {
    // Metrics never break the work they measure.
  }
}

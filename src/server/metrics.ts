/**
 * Prometheus metrics, with prom-client. Two kinds:
 *
 * - this process's own figures, counted as it works: the `Observer`
 *   (./observer.ts) that the event store, the projector runtime and the
 *   notice hub report to (appends, conflicts, batches, notices, live
 *   subscriptions), and Node's process metrics. Each process (a web server,
 *   a worker) has its own registry;
 * - figures of the whole system, read from Redis and Postgres when scraped
 *   (projector lag, dead letters, live workers): the same whichever process
 *   serves them, so only /api/metrics does.
 *
 * Every name starts with `streamline_`; labels are event types, aggregate
 * types, projector names and partitions, never ids, so series stay bounded.
 * GET /api/metrics serves it (src/app/api/metrics/route.ts); a worker with
 * WORKER_METRICS_PORT serves its own registry (./metrics-server.ts).
 *
 * Edit it to add a metric: declare it here and feed it from the Observer or
 * from the projector status.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { bearerMatches } from '~/server/bearer';
import { errorMessage } from '~/server/errors';
import { logger } from '~/server/logger';
import type { Observer } from '~/server/observer';
import type { ProjectorsStatus } from '~/server/projectors/status';

const PREFIX = 'streamline_';

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const appends = new Counter({
    name: `${PREFIX}appends_total`,
    help: 'Appends to the event log, by outcome: appended, duplicate (a retry answered from its first result), conflict, claim-taken, failed.',
    labelNames: ['outcome'],
    registers,
  });
  const eventsAppended = new Counter({ name: `${PREFIX}events_appended_total`, help: 'Events appended to the log, by event type.', labelNames: ['type'], registers });
  const conflicts = new Counter({
    name: `${PREFIX}append_conflicts_total`,
    help: 'Optimistic-concurrency conflicts: appends refused because another command changed the aggregate first, by aggregate type.',
    labelNames: ['aggregate_type'],
    registers,
  });
  const appendSeconds = new Histogram({
    name: `${PREFIX}append_duration_seconds`,
    help: 'Time one append takes, the wait for durability included, by outcome.',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const batchSeconds = new Histogram({
    name: `${PREFIX}projector_batch_duration_seconds`,
    help: 'Time a projector takes to apply and commit one batch, by projector.',
    labelNames: ['projector'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const batchEvents = new Counter({
    name: `${PREFIX}projector_events_total`,
    help: 'Stream entries projectors handled in committed batches (applied, parked, or found applied already), by projector.',
    labelNames: ['projector'],
    registers,
  });
  const batchFailures = new Counter({
    name: `${PREFIX}projector_batch_failures_total`,
    help: 'Projector batches whose transaction failed (retried after a backoff), by projector.',
    labelNames: ['projector'],
    registers,
  });
  const notices = new Counter({ name: `${PREFIX}change_notices_sent_total`, help: 'Change notices sent to live pages after committed batches, by projector.', labelNames: ['projector'], registers });
  const subscribers = new Gauge({ name: `${PREFIX}sse_subscribers`, help: 'Live (SSE) subscriptions open in this process.', registers });

  const observer: Observer = {
    append: ({ outcome, seconds, types, conflictOn }) => {
      appends.inc({ outcome });
      appendSeconds.observe({ outcome }, seconds);
      for (const type of types) eventsAppended.inc({ type });
      if (outcome === 'conflict') conflicts.inc({ aggregate_type: conflictOn ?? 'unknown' });
    },
    batch: ({ projector, events, seconds }) => {
      batchSeconds.observe({ projector }, seconds);
      batchEvents.inc({ projector }, events);
    },
    batchFailed: ({ projector }) => batchFailures.inc({ projector }),
    notices: ({ projector, sent }) => notices.inc({ projector }, sent),
    subscribers: (delta) => (delta > 0 ? subscribers.inc() : subscribers.dec()),
  };
  return { registry, observer, system: createSystemGauges() };
}

/** The gauges read from Redis and Postgres at scrape time, in a registry of their own: only /api/metrics serves them. */
function createSystemGauges() {
  const registry = new Registry();
  const registers = [registry];
  const up = new Gauge({
    name: `${PREFIX}projector_status_up`,
    help: '1 when this scrape read the projectors status from Redis and Postgres; 0 when it failed, and the lag, dead-letter and worker gauges are absent.',
    registers,
  });
  const lagEvents = new Gauge({
    name: `${PREFIX}projector_lag_events`,
    help: 'Entries of a partition stream a projector has not read yet (the consumer group lag); absent when Redis cannot tell.',
    labelNames: ['projector', 'partition'],
    registers,
  });
  const lagSeconds = new Gauge({
    name: `${PREFIX}projector_lag_seconds`,
    help: 'How long the oldest entry a projector has not committed has been waiting, per partition; 0 when caught up.',
    labelNames: ['projector', 'partition'],
    registers,
  });
  const deadLetters = new Gauge({ name: `${PREFIX}dead_letters`, help: 'Events parked in dead letters, by projector.', labelNames: ['projector'], registers });
  const workers = new Gauge({ name: `${PREFIX}workers`, help: 'Workers whose heartbeat is recent.', registers });
  const scraped = [lagEvents, lagSeconds, deadLetters, workers];

  /** Reads the status and sets every gauge from it; old label sets go, so a removed projector does not linger. */
  async function read(status: () => Promise<ProjectorsStatus>): Promise<string> {
    for (const gauge of scraped) gauge.reset();
    try {
      const current = await status();
      for (const p of current.partitions) {
        const labels = { projector: p.projector, partition: String(p.partition) };
        if (p.lag !== null) lagEvents.set(labels, p.lag);
        lagSeconds.set(labels, p.waitingMs / 1000);
        deadLetters.set({ projector: p.projector }, current.deadLettersByProjector[p.projector] ?? 0);
      }
      workers.set(current.workers);
      up.set(1);
    } catch (error) {
      logger.warn({ component: 'metrics', err: errorMessage(error) }, 'projector status unavailable for metrics');
      up.set(0);
    }
    return registry.metrics();
  }

  // One scrape at a time: another's reset must not blank these gauges while they are written out.
  let previous: Promise<unknown> = Promise.resolve();
  function refresh(status: () => Promise<ProjectorsStatus>): Promise<string> {
    const next = previous.then(() => read(status));
    previous = next.catch(() => undefined);
    return next;
  }
  return { refresh };
}

type Metrics = ReturnType<typeof createMetrics>;

// globalThis has no such slot in its type; one registry survives dev hot reloads there.
const globalForMetrics = globalThis as unknown as { streamlineMetrics?: Metrics };

function metrics(): Metrics {
  globalForMetrics.streamlineMetrics ??= createMetrics();
  return globalForMetrics.streamlineMetrics;
}

/** What the app passes to the event store, the projector runtime and the notice hub. */
export function metricsObserver(): Observer {
  return metrics().observer;
}

/**
 * The metrics response: 404 without a configured token (metrics are off),
 * 401 without the right bearer token, else this process's registry in
 * Prometheus text format, with the system gauges when `status` is given.
 */
export async function metricsResponse(authorization: string | null, opts: { token: string | undefined; status?: () => Promise<ProjectorsStatus> }): Promise<Response> {
  const plain = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  if (!opts.token) return new Response('Not configured: set METRICS_TOKEN.\n', { status: 404, headers: plain });
  if (!bearerMatches(authorization, opts.token)) return new Response('Unauthorized\n', { status: 401, headers: { ...plain, 'www-authenticate': 'Bearer' } });
  const { registry, system } = metrics();
  const own = await registry.metrics();
  const body = opts.status ? `${own}\n${await system.refresh(opts.status)}` : own;
  return new Response(body, { headers: { ...plain, 'content-type': registry.contentType } });
}

/**
 * What the app scenarios and their child processes say to each other: one
 * schema per message and reply, checked on arrival. Edit a schema together
 * with both of its ends (the scenario and its child).
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';

/**
 * Times that cross processes (a mutation's send, a notice's arrival): the
 * wall clock at sub-millisecond resolution, the same in every process here.
 */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/** ./http-load.ts: one autocannon run against one procedure. */
export const loadRequest = z.object({
  url: z.string(),
  /** e.g. /api/trpc/tasks.create */
  path: z.string(),
  cookie: z.string(),
  organizationId: z.string(),
  projectId: z.string(),
  connections: z.number().int().min(1),
  /** Load before the measured window, so it starts with every connection busy. */
  leadInSeconds: z.number().min(0),
  /** The measured window: answers completed in it count. */
  seconds: z.number().min(0.5),
});

export const loadResult = z.object({
  /** 2xx answers completed in the measured window, and their latency percentiles in ms. */
  ok: z.number(),
  seconds: z.number(),
  p50: z.number(),
  p99: z.number(),
  /** Over the whole run, lead-in included: 2xx answers (for CPU time per request), non-2xx answers, connection errors. */
  answered: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  /** The first non-2xx answer, to say what went wrong. */
  firstFailure: z.string().nullable(),
});

/** ./live-subscribers.ts: open SSE subscriptions, count what they received, match it to mutations, close. */
export const subscriberRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), url: z.string(), cookie: z.string(), organizationId: z.string(), count: z.number().int().min(1) }),
  /** How many (subscriber, aggregate) pairs have been received since the last `collect`. */
  z.object({ type: z.literal('count') }),
  /** Latency of each (subscriber, mutation) pair received; forgets everything received so far. */
  z.object({ type: z.literal('collect'), ids: z.array(z.string()), sentAt: z.instanceof(Float64Array) }),
  z.object({ type: z.literal('close') }),
]);
export type SubscriberRequest = z.infer<typeof subscriberRequest>;

export const opened = z.object({ connected: z.number() });
export const closed = z.object({});
export const counted = z.object({ pairs: z.number() });
export const collected = z.object({
  latencies: z.instanceof(Float64Array),
  missed: z.number(),
  /** Streams that ended or failed and were opened again (resuming from their last event id). */
  reconnects: z.number(),
});

/** ./live-mutations.ts: create tasks at a fixed rate (open loop) for a while. */
export const mutationRequest = z.object({
  url: z.string(),
  cookie: z.string(),
  organizationId: z.string(),
  projectId: z.string(),
  perSecond: z.number().min(1),
  seconds: z.number().min(0.1),
  /** Requests in flight at most; past it, sends wait (and their latency counts from when they were due). */
  maxInFlight: z.number().int().min(1),
});

export const mutationRun = z.object({
  /** The created task of each mutation that succeeded, with the time it was due to be sent (ms, wall clock). */
  ids: z.array(z.string()),
  sentAt: z.instanceof(Float64Array),
  failed: z.number(),
  firstFailure: z.string().nullable(),
  /** Sends that left more than 5 ms after they were due (a busy generator or the in-flight cap). */
  late: z.number(),
  seconds: z.number(),
});

/** ./capacity-drainer.ts: one projector worker of the capacity scenario, holding only `partitions` of the key space `keyPrefix`. */
export const drainerRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), redisUrl: z.string(), databaseUrl: z.string(), keyPrefix: z.string(), partitions: z.array(z.number().int().min(0)).min(1), workerId: z.string() }),
  /** Drains until nothing is left or `limitMs` passes. */
  z.object({ type: z.literal('drain'), limitMs: z.number().int().min(1) }),
  z.object({ type: z.literal('close') }),
]);
export const drainerReady = z.object({ ready: z.literal(true) });
export const drainerResult = z.object({
  /** Entries applied, summed over the projectors (each projector handles every entry once). */
  handled: z.number(),
  ms: z.number(),
  cut: z.boolean(),
  /** CPU time (user + system) the worker used while draining. */
  cpuMs: z.number(),
});

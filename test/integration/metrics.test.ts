import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GET } from '~/app/api/metrics/route';
import { env } from '~/env';
import { catalogue } from '~/server/app/catalogue';
import { writeSide } from '~/server/app/context';
import { catchUpAll } from '~/server/app/projectors';
import { drainsAfterResponsesDone } from '~/server/app/read-your-writes';
import { ConflictError } from '~/server/errors';
import { appendEvents } from '~/server/events/append';
import { serveMetrics } from '~/server/metrics-server';
import { organizationRenamed } from '~/server/modules/organizations/events';
import { noticeHub } from '~/server/realtime';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { captureLogs, eventually } from '../support/log-capture';

closeAppClientsAfterAll();

/** Every projector up to date: the drains commands start after their responses first, then the rest. */
async function drainAll(): Promise<void> {
  await drainsAfterResponsesDone();
  await catchUpAll();
}

const withToken = `Bearer ${env.METRICS_TOKEN ?? ''}`;
const scrape = (authorization?: string) => GET(new Request('http://app.test/api/metrics', { headers: authorization ? { authorization } : {} }));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text body (`name{a="x",b="y"} 1.5`). */
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The sum of the samples called `name` whose labels include `labels`; null when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | null {
  const matching = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return matching.length === 0 ? null : matching.reduce((n, s) => n + s.value, 0);
}

async function metricsNow(): Promise<{ text: string; samples: Sample[] }> {
  const response = await scrape(withToken);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  return { text, samples: samplesOf(text) };
}

describe('GET /api/metrics', () => {
  it('answers 404 while METRICS_TOKEN is unset, and 401 without the right token', async () => {
    const configured = env.METRICS_TOKEN;
    try {
      env.METRICS_TOKEN = undefined; // the route reads the parsed environment on every request
      expect((await scrape(withToken)).status).toBe(404);
    } finally {
      env.METRICS_TOKEN = configured;
    }
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-metrics-token')).status).toBe(401);
    expect((await scrape(`${withToken}x`)).status).toBe(401);
    expect((await scrape(withToken)).status).toBe(200);
  });

  it('counts appends and conflicts, batches and notices, live subscribers; reads lag and dead letters when scraped', async () => {
    const owner = as('metrics-owner');
    const { id: organizationId } = await owner.api.organizations.create({ name: 'Metrics', slug: `metrics-${randomUUID().slice(0, 8)}` });
    await owner.api.organizations.rename({ organizationId, name: 'Metrics, renamed' });
    await owner.api.tasks.createProject({ organizationId, name: 'Roadmap' });
    await drainAll();

    // A conflict: an append at a version the organization has left behind.
    const store = { ...writeSide(), catalogue };
    const stale = appendEvents(store, {
      organizationId,
      actorId: owner.session.user.id,
      streams: [{ aggregateId: organizationId, expectedVersion: 1, events: [organizationRenamed.create({ name: 'Too late' })], state: { type: 'organization', value: null } }],
    });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);

    // An entry no projector can decode, appended behind the command's back (no drain follows): every projector lags by it.
    const partition = String(partitionOf(organizationId, env.EVENT_PARTITIONS));
    await getRedis().xAdd(keys.stream(Number(partition)), '*', { e: 'not an envelope' });
    const before = await metricsNow();
    expect(valueOf(before.samples, 'streamline_projector_lag_events', { projector: 'archive', partition })).toBe(1);
    expect(valueOf(before.samples, 'streamline_projector_lag_seconds', { projector: 'board', partition })).toBeGreaterThanOrEqual(0);
    expect(valueOf(before.samples, 'streamline_dead_letters', { projector: 'board' })).toBe(0);
    // Drained: parked at once by every projector.
    await drainAll();

    // A live subscriber, counted while it is open.
    const controller = new AbortController();
    const subscription = noticeHub().subscribe(organizationId, null, controller.signal);
    const first = subscription.next();
    await eventually(async () => valueOf((await metricsNow()).samples, 'streamline_sse_subscribers') === 1, 10_000, 'one subscriber counted');

    const { text, samples } = await metricsNow();
    controller.abort();
    await expect(first).resolves.toMatchObject({ done: true });
    expect(valueOf((await metricsNow()).samples, 'streamline_sse_subscribers')).toBe(0);

    for (const name of [
      'streamline_appends_total',
      'streamline_events_appended_total',
      'streamline_append_conflicts_total',
      'streamline_append_duration_seconds',
      'streamline_projector_batch_duration_seconds',
      'streamline_projector_events_total',
      'streamline_change_notices_sent_total',
      'streamline_sse_subscribers',
      'streamline_projector_lag_events',
      'streamline_projector_lag_seconds',
      'streamline_dead_letters',
      'streamline_workers',
      'streamline_projector_status_up',
    ]) {
      expect(text, name).toMatch(new RegExp(`^# HELP ${name} \\S.+$`, 'm'));
    }
    // Three commands (create the organization, rename it, create a project), and the conflict.
    expect(valueOf(samples, 'streamline_appends_total', { outcome: 'appended' })).toBe(3);
    expect(valueOf(samples, 'streamline_appends_total', { outcome: 'conflict' })).toBe(1);
    expect(valueOf(samples, 'streamline_events_appended_total', { type: 'organization.created' })).toBe(1);
    expect(valueOf(samples, 'streamline_events_appended_total', { type: 'organization.renamed' })).toBe(1);
    expect(valueOf(samples, 'streamline_events_appended_total', { type: 'project.created' })).toBe(1);
    expect(valueOf(samples, 'streamline_append_conflicts_total', { aggregate_type: 'organization' })).toBe(1);
    expect(valueOf(samples, 'streamline_append_duration_seconds_count', { outcome: 'appended' })).toBe(3);
    expect(valueOf(samples, 'streamline_append_duration_seconds_sum', { outcome: 'appended' })).toBeGreaterThan(0);

    // Every event reached the archive and the directory in committed batches, each timed.
    expect(valueOf(samples, 'streamline_projector_batch_duration_seconds_count', { projector: 'archive' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'streamline_projector_events_total', { projector: 'archive' })).toBe(5); // four events (the creation adds its owner) and the parked entry
    expect(valueOf(samples, 'streamline_projector_events_total', { projector: 'directory' })).toBe(5);
    expect(valueOf(samples, 'streamline_change_notices_sent_total', { projector: 'directory' })).toBeGreaterThanOrEqual(1);

    // Read when scraped: everything drained (lag 0), the bad entry parked once per projector, no worker running.
    expect(valueOf(samples, 'streamline_projector_status_up')).toBe(1);
    expect(valueOf(samples, 'streamline_projector_lag_events', { projector: 'archive', partition })).toBe(0);
    expect(valueOf(samples, 'streamline_projector_lag_seconds', { projector: 'board', partition })).toBe(0);
    expect(valueOf(samples, 'streamline_dead_letters', { projector: 'archive' })).toBe(1);
    expect(valueOf(samples, 'streamline_dead_letters', { projector: 'board' })).toBe(1);
    expect(valueOf(samples, 'streamline_workers')).toBe(0);
    expect(valueOf(samples, 'streamline_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('never fails an append because its observer throws', async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = { ...writeSide(), catalogue, observer: { append: () => { throw new Error('observer failed'); } } };
    const appended = await appendEvents(store, {
      organizationId,
      actorId: 'u',
      streams: [{ aggregateId: organizationId, expectedVersion: 0, events: [organizationRenamed.create({ name: 'Still written' })] }],
    });
    expect(appended.positions).toHaveLength(1);
  });
});

describe("the worker's own /metrics (WORKER_METRICS_PORT)", () => {
  it('serves this process registry with the same token, without the system gauges', async () => {
    const owner = as('worker-metrics');
    await owner.api.organizations.create({ name: 'Worker metrics', slug: `worker-${randomUUID().slice(0, 8)}` });
    await drainAll();
    const server = await serveMetrics({ port: 0, host: '127.0.0.1', token: env.METRICS_TOKEN ?? '', logger: captureLogs().logger });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } })).status).toBe(401);
      expect((await fetch(`${url}/other`, { headers: { authorization: withToken } })).status).toBe(404);
      const response = await fetch(`${url}/metrics`, { headers: { authorization: withToken } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/^streamline_projector_batch_duration_seconds_count\{projector="archive"\} [1-9]/m);
      expect(text).not.toContain('streamline_projector_lag_events');
      expect(text).not.toContain('streamline_dead_letters');
    } finally {
      await server.close();
    }
  });
});

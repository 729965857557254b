/**
 * The capacity scenario's web part: what one command and one board read cost
 * the web process (and the read PostgreSQL). Every change notice makes each subscriber's open
 * board refetch `tasks.board` (src/app/o/[slug]/live-updates.tsx), so live
 * subscribers turn notices into reads; this is the figure that says whether
 * the read side needs more web processes or PostgreSQL read replicas first.
 *
 * The bench organization's project is filled with tasks through
 * `tasks.create` (8 at a time, as the UI sends it: the web CPU per command
 * comes from this), then `tasks.board` is asked over HTTP as the browser's
 * client asks it (GET, superjson input, the session cookie) by a bounded
 * closed loop of concurrent callers for a fixed time. The CPU time of the
 * web process and of PostgreSQL per answer is what counts; the rate is
 * this machine's, shared with the callers.
 */
import { performance } from 'node:perf_hooks';
import type { BenchApp } from './app';
import { openClients } from './clients';
import type { Bench, Figures } from './contract';
import { fmt, runPool } from './measure';
import { postmasterPid, treeCpuMs } from './proc-cpu';

export interface ReadSizes {
  /** Tasks on the board read. */
  tasks: number;
  seconds: number;
  concurrency: number;
}

const REQUEST_TIMEOUT_MS = 15_000;

export async function measureReadCapacity(bench: Bench, app: BenchApp, sizes: ReadSizes): Promise<Figures> {
  bench.progress('capacity', `reads: creating ${sizes.tasks} tasks…`);
  await app.settle();
  const [created0 = 0] = app.usage.cpuMs();
  const created = await runPool(sizes.tasks, 8, 120_000, async (_, i) => {
    await app.createTask(`Read load ${i + 1}`);
    return 1;
  });
  const [created1 = 0] = app.usage.cpuMs();
  const commandCpuUs = created.count > 0 ? ((created1 - created0) * 1000) / created.count : 0;
  await app.settle();
  const input = encodeURIComponent(JSON.stringify({ json: { organizationId: app.organizationId, projectId: app.projectId } }));
  const url = `${app.url}/api/trpc/tasks.board?input=${input}`;
  let tasksSeen = -1;
  const read = async () => {
    const response = await fetch(url, { headers: { cookie: app.cookie }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    if (!response.ok) throw new Error(`tasks.board answered ${response.status}: ${text.slice(0, 300)}`);
    tasksSeen = (text.match(/"title":/g) ?? []).length;
    return 1;
  };
  await runPool(sizes.concurrency * 4, sizes.concurrency, 30_000, read); // warm-up: connections, compiled code

  const clients = await openClients(bench, 'capacity-read');
  try {
    const postgres = await postmasterPid(clients.db);
    bench.progress('capacity', `reads: tasks.board, ${sizes.concurrency} callers for ${sizes.seconds} s…`);
    const [web0 = 0] = app.usage.cpuMs();
    const pg0 = treeCpuMs(postgres);
    const t0 = performance.now();
    const run = await runPool(Number.MAX_SAFE_INTEGER, sizes.concurrency, sizes.seconds * 1000, read);
    const ms = performance.now() - t0;
    const [web1 = 0] = app.usage.cpuMs();
    const pgMs = treeCpuMs(postgres) - pg0;
    const perRead = (cpuMs: number) => (run.count > 0 ? (cpuMs * 1000) / run.count : 0);
    const rate = (run.count * 1000) / ms;
    bench.log(
      `  commands: tasks.create, web CPU ${(commandCpuUs / 1000).toFixed(2)} ms per command (${created.count} commands, 8 at a time)\n` +
        `  reads: tasks.board with ${tasksSeen} tasks, ${fmt(rate)} req/s from ${sizes.concurrency} callers; ` +
        `CPU per read: web ${(perRead(web1 - web0) / 1000).toFixed(2)} ms, PostgreSQL ${(perRead(pgMs) / 1000).toFixed(2)} ms`,
    );
    return {
      'capacity.read.command_web_cpu_us': { value: commandCpuUs, unit: 'µs', label: `web process CPU per tasks.create over HTTP (read-your-writes wait included), ${created.count} commands` },
      'capacity.read.board_per_s': { value: rate, unit: 'req/s', label: `tasks.board over HTTP (${tasksSeen} tasks), ${sizes.concurrency} concurrent callers on this machine` },
      'capacity.read.board_web_cpu_us': { value: perRead(web1 - web0), unit: 'µs', label: 'web process CPU per board read' },
      'capacity.read.board_postgres_cpu_us': { value: perRead(pgMs), unit: 'µs', label: 'PostgreSQL CPU per board read' },
    };
  } finally {
    await clients.close();
  }
}

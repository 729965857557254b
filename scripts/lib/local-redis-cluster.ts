/**
 * Runs a real Redis Cluster as child processes, for tests and for trying the
 * app against a cluster: N masters (3 or more) and optional replicas, each a
 * `redis-server` from ./local-redis.ts (127.0.0.1 only, AOF with fsync on
 * every write) in cluster mode with its own data directory and `nodes.conf`,
 * joined by `redis-cli --cluster create`.
 *
 * `cluster-require-full-coverage` keeps Redis's default, `yes`: once a master
 * without a replica is marked failed (about `nodeTimeoutMs` after it dies),
 * every node answers every command with CLUSTERDOWN until it is back. That is
 * the loud failure we want: with `no`, the other nodes would keep answering
 * MOVED towards the dead master, its slots would look merely unreachable, and
 * `cluster_state:ok` would no longer mean that every slot is served.
 * Pass `requireFullCoverage: false` to test partial availability instead.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, startLocalRedis, type LocalRedis } from './local-redis';
import { freePort } from './ports';

const run = promisify(execFile);

const ALL_SLOTS = 16384;

export interface LocalRedisClusterOptions {
  /** Parent directory; node i keeps its AOF and `nodes.conf` in `<dir>/node-<i>`. */
  dir: string;
  /** Masters, at least 3 (what `redis-cli --cluster create` requires). Default 3. */
  masters?: number;
  /** Replicas of each master. Default 0. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a silent node takes to be marked failed. Default 2000 ms. */
  nodeTimeoutMs?: number;
  /** `cluster-require-full-coverage`; default true (see the header). */
  requireFullCoverage?: boolean;
  /** Longest wait for the cluster to be ok, at start and in `waitForClusterOk`. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface LocalRedisClusterNode extends LocalRedis {
  /** Its data directory (AOF and `nodes.conf`). */
  dir: string;
  /** Port of its cluster bus (node-to-node gossip). */
  busPort: number;
}

export interface LocalRedisCluster {
  /** One `redis://127.0.0.1:port` per master as created, ordered by the first slot it serves. */
  urls: string[];
  /** Every node, in start order; `kill()` is SIGKILL, `restart()` keeps port, bus port and directory. */
  nodes: LocalRedisClusterNode[];
  /**
   * Resolves once every node (a killed one too: restart it first) reports `cluster_state:ok` with all
   * slots served by the expected number of masters, and every replica is linked to its master; throws
   * after the timeout.
   */
  waitForClusterOk: (timeoutMs?: number) => Promise<void>;
  /** Stops every node (SIGTERM). Deletes nothing: `dir` is the caller's. */
  stop: () => Promise<void>;
}

export const REDIS_CLI_INSTALL_HINT =
  'redis-cli was not found on PATH. It comes with redis-server (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis).';

export async function startLocalRedisCluster(opts: LocalRedisClusterOptions): Promise<LocalRedisCluster> {
  const masters = opts.masters ?? 3;
  const replicas = opts.replicasPerMaster ?? 0;
  if (!Number.isInteger(masters) || masters < 3) throw new Error(`A Redis Cluster needs at least 3 masters, not ${masters}`);
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicasPerMaster must be 0 or more, not ${replicas}`);
  const cli = findOnPath('redis-cli');
  if (!cli) throw new Error(REDIS_CLI_INSTALL_HINT);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;

  const nodes: LocalRedisClusterNode[] = [];
  const stop = async () => {
    await Promise.allSettled(nodes.map((node) => node.stop()));
  };
  const shape: Shape = { nodes: masters * (1 + replicas), masters, replicas: masters * replicas };
  const waitForClusterOk = (timeoutMs = readyTimeoutMs) => waitUntilOk(cli, nodes, shape, timeoutMs);

  try {
    const taken = new Set<number>();
    for (let i = 0; i < shape.nodes; i++) {
      const dir = path.join(opts.dir, `node-${i}`);
      mkdirSync(dir, { recursive: true });
      // Redis's default bus port is port + 10000, which may be taken or past 65535: pick one of our own.
      const port = await freePortExcept(taken);
      const busPort = await freePortExcept(taken);
      const node = await startLocalRedis({
        dir,
        port,
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', path.join(dir, 'nodes.conf'),
          '--cluster-node-timeout', String(opts.nodeTimeoutMs ?? 2_000),
          '--cluster-require-full-coverage', opts.requireFullCoverage === false ? 'no' : 'yes',
        ],
      });
      taken.add(node.port);
      nodes.push({ ...node, dir, busPort });
    }

    const create = [
      '--cluster', 'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas', String(replicas),
      '--cluster-yes',
    ];
    try {
      await run(cli, create, { timeout: readyTimeoutMs });
    } catch (error) {
      throw new Error(`redis-cli --cluster create failed: ${describe(error)}`);
    }
    await waitForClusterOk();
    const urls = (await masterPortsBySlot(cli, nodes.map((node) => node.port))).map((port) => `redis://127.0.0.1:${port}`);
    return { urls, nodes, waitForClusterOk, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function freePortExcept(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

/** `redis-cli` against one node; rejects when the node is unreachable or answers an error. */
async function cliCall(cli: string, port: number, args: string[]): Promise<string> {
  const { stdout } = await run(cli, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
  // redis-cli prints an error reply on stdout and still exits 0.
  if (stdout.startsWith('ERR') || stdout.startsWith('CLUSTERDOWN')) throw new Error(stdout.trim());
  return stdout;
}

/** `name:value` lines (CLUSTER INFO, INFO) as a map. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

interface Shape {
  nodes: number;
  masters: number;
  replicas: number;
}

/** Why a node is not ok yet (null when it is), and its replication role. */
async function nodeState(cli: string, port: number, shape: Shape): Promise<{ problem: string | null; role?: string }> {
  let cluster: Map<string, string>;
  let replication: Map<string, string>;
  try {
    cluster = fields(await cliCall(cli, port, ['cluster', 'info']));
    replication = fields(await cliCall(cli, port, ['info', 'replication']));
  } catch (error) {
    return { problem: `unreachable (${describe(error)})` };
  }
  const role = replication.get('role');
  const state = cluster.get('cluster_state');
  const assigned = Number(cluster.get('cluster_slots_assigned'));
  const served = Number(cluster.get('cluster_slots_ok'));
  const known = Number(cluster.get('cluster_known_nodes'));
  const size = Number(cluster.get('cluster_size')); // masters that serve slots
  const problems = [
    state === 'ok' ? '' : `cluster_state:${state}`,
    served === ALL_SLOTS && assigned === ALL_SLOTS ? '' : `${served}/${ALL_SLOTS} slots served, ${assigned} assigned`,
    known === shape.nodes ? '' : `${known}/${shape.nodes} nodes known`,
    size === shape.masters ? '' : `${size}/${shape.masters} masters serve slots`,
    // A replica still syncing could not take over from its master.
    role === 'slave' && replication.get('master_link_status') !== 'up' ? 'replica not linked to its master yet' : '',
  ].filter(Boolean);
  return { problem: problems.length ? problems.join(', ') : null, role };
}

async function waitUntilOk(cli: string, nodes: LocalRedisClusterNode[], shape: Shape, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Every node, also one that is down: right after a master dies the others still say ok
    // until its silence outlasts the node timeout, so their word alone is not enough.
    const states = await Promise.all(nodes.map((node) => nodeState(cli, node.port, shape)));
    const problems = nodes.flatMap((node, i) => (states[i]?.problem ? [`127.0.0.1:${node.port} ${states[i].problem}`] : []));
    // Right after `--cluster create`, a node meant as a replica can still be an empty master for a moment.
    const replicas = states.filter((state) => state.role === 'slave').length;
    if (problems.length === 0 && replicas !== shape.replicas) problems.push(`${replicas}/${shape.replicas} replicas`);
    if (problems.length === 0) return;
    if (Date.now() >= deadline) throw new Error(`Redis Cluster not ok within ${timeoutMs / 1000} s:\n${problems.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ports of the masters that serve slots, ordered by the lowest slot each serves (from `CLUSTER NODES`). */
async function masterPortsBySlot(cli: string, [port]: number[]): Promise<number[]> {
  if (port === undefined) throw new Error('no node to ask for the cluster\'s masters');
  const lines = (await cliCall(cli, port, ['cluster', 'nodes'])).split('\n').filter(Boolean);
  const masters: Array<{ port: number; firstSlot: number }> = [];
  for (const line of lines) {
    // <id> <ip:port@busport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot or range>...
    const [, address, flags, , , , , , ...slots] = line.trim().split(' ');
    if (!address || !flags?.split(',').includes('master')) continue;
    const starts = slots.filter((slot) => !slot.startsWith('[')).map((slot) => Number.parseInt(slot, 10));
    if (starts.length === 0) continue;
    // "127.0.0.1:7000@17000": the port is the number after the last colon before the '@'.
    masters.push({ port: Number.parseInt(address.slice(address.lastIndexOf(':', address.indexOf('@')) + 1), 10), firstSlot: Math.min(...starts) });
  }
  return masters.sort((a, b) => a.firstSlot - b.firstSlot).map((master) => master.port);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // execFile's error carries the process's output; its tail says what went wrong.
  const output = `${'stdout' in error ? String(error.stdout) : ''}${'stderr' in error ? String(error.stderr) : ''}`;
  const tail = output.trim().split('\n').slice(-5).join('\n');
  return tail ? `${error.message.split('\n')[0]}\n${tail}` : error.message;
}

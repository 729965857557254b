/**
 * CPU time of a server process and the processes it forked (Redis and its
 * AOF rewrite; the PostgreSQL postmaster and its backends), read from /proc,
 * for the capacity scenario's CPU cost per operation. CPU time, unlike a rate,
 * hardly changes with what else runs on a shared machine, so it says what one
 * core of each server could carry. Linux only; elsewhere every reading is 0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db } from '../../src/server/db/client';
import type { Redis } from '../../src/server/redis/client';
import { sql } from 'drizzle-orm';

/** /proc/<pid>/stat counts in clock ticks; Linux's USER_HZ is 100 everywhere it runs. */
const MS_PER_TICK = 10;

interface Stat {
  ppid: number;
  /** Own CPU (utime + stime) plus that of reaped children (cutime + cstime), ms. */
  cpuMs: number;
}

function statOf(pid: string): Stat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one (field 3 first).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return { ppid: Number(fields[1]), cpuMs: ticks * MS_PER_TICK };
  } catch {
    return null;
  }
}

/**
 * CPU time in ms used so far by `pid` and its live children. A child that
 * exits moves its time into its parent's reaped-children count, so the sum
 * only grows: the difference of two readings is what the tree used between them.
 */
export function treeCpuMs(pid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  let total = statOf(String(pid))?.cpuMs ?? 0;
  for (const entry of entries) {
    const stat = statOf(entry);
    if (stat?.ppid === pid) total += stat.cpuMs;
  }
  return total;
}

/** CPU time in ms of several trees, summed (a cluster's masters). */
export const treesCpuMs = (pids: ReadonlyArray<number>) => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);

/** The Redis server's process id, as it reports it. */
export async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('Redis did not report its process id');
  return pid;
}

const backendRow = z.array(z.object({ pid: z.coerce.number().int().positive() })).length(1);

/** The PostgreSQL postmaster's process id: the parent of this connection's backend. */
export async function postmasterPid(db: Db): Promise<number> {
  const [row] = backendRow.parse(await db.execute(sql`select pg_backend_pid() as pid`));
  const parent = statOf(String(row?.pid ?? 0))?.ppid;
  if (!parent) throw new Error('could not find the PostgreSQL postmaster in /proc');
  return parent;
}

/** This process's own CPU time in ms (user + system). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

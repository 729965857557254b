/**
 * What the app's processes use while the bench runs, per process group
 * (`next start` and any process it forks; the worker), read from /proc:
 * - memory: every 250 ms, the resident set (VmRSS) summed over the group;
 * - CPU time (user + system) on demand, so a measurement can say how much of
 *   the machine each request cost, which other processes' load on a shared
 *   machine changes far less than it changes rates and latencies.
 * Linux only; elsewhere every reading is 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

const INTERVAL_MS = 250;

/** /proc/<pid>/stat reports CPU time in clock ticks; Linux's USER_HZ is 100 everywhere it runs. */
const MS_PER_TICK = 10;

/** The process group of `pid` (field 5 of /proc/<pid>/stat) and its CPU time in ms (fields 14 and 15), or null when it is gone. */
function statOf(pid: string): { group: number; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one (field 3 first).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { group: Number(fields[2]), cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK };
  } catch {
    return null;
  }
}

function rssKb(pid: string): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function pids(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** Resident memory in MB of each group in `groups`, summed over its processes. */
export function groupsRssMb(groups: ReadonlyArray<number>): number[] {
  const kb = groups.map(() => 0);
  for (const pid of pids()) {
    const at = groups.indexOf(statOf(pid)?.group ?? -1);
    if (at >= 0) kb[at] = (kb[at] ?? 0) + rssKb(pid);
  }
  return kb.map((k) => k / 1024);
}

/** CPU time (user + system) in ms used so far by each group in `groups`, summed over its processes. */
export function groupsCpuMs(groups: ReadonlyArray<number>): number[] {
  const ms = groups.map(() => 0);
  for (const pid of pids()) {
    const stat = statOf(pid);
    const at = groups.indexOf(stat?.group ?? -1);
    if (at >= 0) ms[at] = (ms[at] ?? 0) + (stat?.cpuMs ?? 0);
  }
  return ms;
}

interface Sample {
  at: number;
  mb: number[];
}

export interface UsageSampler {
  /** CPU time used so far by each group, in ms (read now). */
  cpuMs: () => number[];
  /** The highest memory reading of each group so far, in MB. */
  peak: () => number[];
  /** Each group's mean reading in MB over [from, to] (Date.now() times); null without a reading there. */
  mean: (from: number, to: number) => number[] | null;
  stop: () => void;
}

/** Samples the memory of the process groups `groups` (their leaders' pids) until `stop`. */
export function startUsageSampler(groups: ReadonlyArray<number>): UsageSampler {
  const samples: Sample[] = [];
  const peaks = groups.map(() => 0);
  const sample = () => {
    const mb = groupsRssMb(groups);
    mb.forEach((value, i) => (peaks[i] = Math.max(peaks[i] ?? 0, value)));
    samples.push({ at: Date.now(), mb });
  };
  sample();
  const timer = setInterval(sample, INTERVAL_MS);
  timer.unref();
  return {
    cpuMs: () => groupsCpuMs(groups),
    peak: () => [...peaks],
    mean: (from, to) => {
      const inside = samples.filter((s) => s.at >= from && s.at <= to);
      if (inside.length === 0) return null;
      return groups.map((_, i) => inside.reduce((sum, s) => sum + (s.mb[i] ?? 0), 0) / inside.length);
    },
    stop: () => clearInterval(timer),
  };
}

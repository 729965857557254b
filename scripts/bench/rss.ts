/**
 * Memory of the app's processes while the bench runs: every 250 ms, the
 * resident set (VmRSS) of each watched process group, summed over the group
 * (`next start` and any process it forks; the worker), read from /proc.
 * Linux only; elsewhere every reading is 0 and the figures say so.
 */
import { readdirSync, readFileSync } from 'node:fs';

const INTERVAL_MS = 250;

/** The process group of `pid` (field 5 of /proc/<pid>/stat), or null when it is gone. */
function groupOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
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

/** Resident memory in MB of each group in `groups`, summed over its processes. */
export function groupsRssMb(groups: ReadonlyArray<number>): number[] {
  const kb = groups.map(() => 0);
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return kb;
  }
  for (const pid of pids) {
    const group = groupOf(pid);
    const at = group === null ? -1 : groups.indexOf(group);
    if (at >= 0) kb[at] = (kb[at] ?? 0) + rssKb(pid);
  }
  return kb.map((k) => k / 1024);
}

interface Sample {
  at: number;
  mb: number[];
}

export interface RssSampler {
  /** The highest reading of each group so far, in MB. */
  peak: () => number[];
  /** Each group's mean reading in MB over [from, to] (Date.now() times); null without a reading there. */
  mean: (from: number, to: number) => number[] | null;
  stop: () => void;
}

/** Samples the process groups `groups` (their leaders' pids) until `stop`. */
export function startRssSampler(groups: ReadonlyArray<number>): RssSampler {
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
    peak: () => [...peaks],
    mean: (from, to) => {
      const inside = samples.filter((s) => s.at >= from && s.at <= to);
      if (inside.length === 0) return null;
      return groups.map((_, i) => inside.reduce((sum, s) => sum + (s.mb[i] ?? 0), 0) / inside.length);
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * What the bench writes and prints at the end: the run's context (versions,
 * machine, persistence), the JSON document, and the table of figures with
 * their ratios and targets. The numbers themselves are derived in
 * ./ratios.ts; this file only gathers and lays them out. Edit it when the
 * JSON gains a section.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { probeDurability } from '../../src/server/events/durability';
import type { BenchArgs } from './args';
import { capacitySummary } from './capacity-model';
import { openClients } from './clients';
import type { Figures } from './contract';
import { assessTargets, COMPARED_WITH, computeRatios, FIGURE_TARGETS, RATIO_NAMES, RATIOS, ratioOf, summaries } from './ratios';
import type { Servers } from './servers';
import { capacitySizesOf, type Sizes, type SizeSetting } from './sizes';

const ROOT = path.resolve(import.meta.dirname, '../..');
const versionOf = (file: string) => z.object({ version: z.string() }).parse(JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'))).version;

export interface Environment {
  versions: { node: string; redis: string; postgres: string; next: string; app: string };
  machine: { cores: number; cpu_model: string; total_memory_mb: number; platform: string; load_average_start: number[] };
  persistence: {
    redis: { appendonly: string; appendfsync: string; durability: string; durability_detail: string };
    postgres: { fsync: string; synchronous_commit: string };
  };
}

/** Versions, machine and persistence, asked of the running servers. */
export async function describeEnvironment(servers: Servers): Promise<Environment> {
  const { redis, db, close } = await openClients(servers, 'describe');
  try {
    const info = await redis.info('server');
    const config = { ...(await redis.configGet('appendonly')), ...(await redis.configGet('appendfsync')) };
    const durability = await probeDurability(redis);
    const show = async (setting: string) => {
      const rows = z.array(z.record(z.string(), z.string())).parse(await db.execute(sql.raw(`show ${setting}`)));
      return rows[0]?.[setting] ?? '?';
    };
    return {
      versions: {
        node: process.version,
        redis: /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?',
        postgres: await show('server_version'),
        next: versionOf('node_modules/next/package.json'),
        app: versionOf('package.json'),
      },
      machine: {
        cores: os.cpus().length,
        cpu_model: os.cpus()[0]?.model.trim() ?? '?',
        total_memory_mb: Math.round(os.totalmem() / 2 ** 20),
        platform: `${os.platform()} ${os.release()}`,
        load_average_start: os.loadavg(),
      },
      persistence: {
        redis: { appendonly: config.appendonly ?? '?', appendfsync: config.appendfsync ?? '?', durability: durability.class, durability_detail: durability.detail },
        postgres: { fsync: await show('fsync'), synchronous_commit: await show('synchronous_commit') },
      },
    };
  } finally {
    await close();
  }
}

export interface ScenarioOutcome {
  name: string;
  seconds: number;
  ok: boolean;
  error?: string;
}

export interface ReportInput {
  startedAt: Date;
  finishedAt: Date;
  argv: ReadonlyArray<string>;
  args: BenchArgs;
  setting: SizeSetting;
  sizes: Sizes;
  environment: Environment | null;
  loadAverageEnd: number[];
  figures: Figures;
  checks: Record<string, { passed: boolean; detail: string }>;
  scenarios: ReadonlyArray<ScenarioOutcome>;
}

/** The JSON document: settings, context, every figure with its unit, and what is derived from them. */
export function buildReport(input: ReportInput) {
  const ratios = computeRatios(input.figures);
  return {
    command: ['npm run bench --', ...input.argv].join(' '),
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_s: Math.round((input.finishedAt.getTime() - input.startedAt.getTime()) / 100) / 10,
    settings: {
      setting: input.setting,
      quick: input.args.quick,
      smallest: input.args.smallest,
      soak_seconds: input.args.soakSeconds,
      only: input.args.only ?? null,
      appendfsync: input.args.appendfsync,
      sizes: { append_ops: input.sizes.appendOps, drain_events: input.sizes.drainEvents, rebuild_events: input.sizes.drainEvents },
      capacity_sizes: input.args.only?.includes('capacity') ? capacitySizesOf(input.args) : null,
    },
    versions: input.environment?.versions ?? null,
    machine: input.environment ? { ...input.environment.machine, load_average_end: input.loadAverageEnd } : null,
    persistence: input.environment?.persistence ?? null,
    scenarios: input.scenarios,
    checks: input.checks,
    figures: input.figures,
    ratios,
    targets: assessTargets(input.figures, ratios),
    ...summaries(input.figures),
    capacity: capacitySummary(input.figures),
  };
}

function formatValue(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Two decimals, or three where two would round a missed target up to met (0.4997 is not 0.50). */
function formatRatio(value: number, target?: number): string {
  const short = value.toFixed(2);
  return target !== undefined && value < target && Number(short) >= target ? value.toFixed(3) : short;
}

/** The table: one row per figure, with its ratio against its baseline, target and whether it was met. */
export function formatTable(figures: Figures): string[] {
  const ratios = computeRatios(figures);
  const targets = assessTargets(figures, ratios);
  const verdict = (name: string) => {
    const t = targets.find((r) => r.name === name);
    return t ? [t.target, t.met ? 'met' : 'MISSED'] : ['', ''];
  };
  const rows: string[][] = [['figure', 'value', 'unit', 'ratio', 'target', '']];
  for (const [key, figure] of Object.entries(figures)) {
    const base = [`${key.split('.')[0]?.padEnd(9)}${figure.label}${figure.cut ? ' (cut short by its time limit)' : ''}`, formatValue(figure.value), figure.unit];
    const named = RATIO_NAMES.filter((name) => RATIOS[name].subject === key && ratios[name] !== null);
    const compared = COMPARED_WITH[key] ? ratioOf(figures, key, [COMPARED_WITH[key]]) : null;
    if (FIGURE_TARGETS[key]) rows.push([...base, '', ...verdict(key)]);
    else if (named.length > 0) named.forEach((name, i) => rows.push([...(i === 0 ? base : ['', '', '']), `${formatRatio(ratios[name] ?? 0, RATIOS[name].target)} ${name}`, ...verdict(name)]));
    else if (compared !== null) rows.push([...base, `${formatRatio(compared)} vs ${COMPARED_WITH[key] ?? ''}`, '', '']);
    else rows.push([...base, '', '', '']);
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 1 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd());
}

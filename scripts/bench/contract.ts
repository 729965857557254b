/**
 * What every scenario of `npm run bench` gets and gives back. The runner
 * (./main.ts) starts the servers, calls each scenario in turn, shows a
 * progress line, prints the table and writes the JSON; a scenario measures
 * its subject and its baselines in the same run and returns raw figures.
 */

/** Units a figure may carry; the JSON spells them out next to every value. */
export type Unit = 'ops/s' | 'ev/s' | 'req/s' | 'mutations/s' | 'notices/s' | 'ms' | 'µs' | 'MB' | '%' | 'count';

export interface Figure {
  value: number;
  unit: Unit;
  /** What was measured, one line, for the table and the JSON. */
  label: string;
  /** Set when a time limit stopped the measurement before it reached its size. */
  cut?: boolean;
}

/** Figures of one scenario by stable key, e.g. `http.command.rps` or `drain.raw_multi_row`. */
export type Figures = Record<string, Figure>;

export interface Bench {
  /** `--quick`: every scenario small enough for the whole run to take under 5 minutes on 2 cores. */
  quick: boolean;
  /** `--smallest`: the least work that still runs every code path (the test in `npm test`). */
  smallest: boolean;
  /** `--soak N`: hold a steady load for N seconds and report memory growth; 0 = no soak. */
  soakSeconds: number;
  /** A temporary directory removed at the end. */
  root: string;
  redisUrl: string;
  databaseUrl: string;
  /** Replaces the progress line: which scenario runs and how far it is. */
  progress: (scenario: string, detail?: string) => void;
  /** A line of detail kept in the output (per-round figures, warnings). */
  log: (line: string) => void;
  /** Figures of the scenarios that ran before this one, by key: a scenario reuses a baseline measured earlier in the run. */
  figures: Readonly<Figures>;
  /**
   * Records a sanity check in the JSON (e.g. `drain.tables_agree`). A failed
   * check throws, so the scenario counts as crashed and the run exits non-zero.
   */
  check: (name: string, ok: boolean, detail: string) => void;
}

export type Scenario = (bench: Bench) => Promise<Figures>;

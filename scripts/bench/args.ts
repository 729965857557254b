/**
 * The bench's command line, parsed and checked in one place. A bad argument
 * ends the run before any server starts, with one line saying what is wrong
 * and the usage. Edit it when the runner gains an option.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: npm run bench -- [--quick | --smallest] [--out PATH] [--soak SECONDS] [--appendfsync always|everysec|no] [--only NAME,NAME…]
  --quick        every scenario small enough for the whole run to take under 5 minutes on 2 cores
  --smallest     the least work that still runs every code path (what the test runs)
  --out PATH     where the JSON goes (default .data/bench/bench-<time>.json)
  --soak N       hold a steady load for N seconds and report memory growth (default 0: no soak)
  --appendfsync  Redis AOF fsync policy (default always, what the event log needs)
  --only LIST    run only these scenarios, comma-separated; capacity (docs/scaling.md) runs only when named here`;

export interface BenchArgs {
  quick: boolean;
  smallest: boolean;
  out: string | undefined;
  soakSeconds: number;
  appendfsync: 'always' | 'everysec' | 'no';
  /** Scenario names to run, in the runner's order; every one when the option is absent. */
  only: string[] | undefined;
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: ReadonlyArray<string>, scenarioNames: ReadonlyArray<string>): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        smallest: { type: 'boolean' },
        out: { type: 'string' },
        soak: { type: 'string' },
        appendfsync: { type: 'string' },
        only: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const schema = z
    .object({
      quick: z.boolean().default(false),
      smallest: z.boolean().default(false),
      out: z.string().trim().min(1, 'needs a path').optional(),
      soak: z.coerce.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(0).max(86_400).default(0),
      appendfsync: z.enum(['always', 'everysec', 'no']).default('always'),
      only: z
        .string()
        .transform((list) => list.split(',').map((name) => name.trim()).filter(Boolean))
        .pipe(z.array(z.enum(scenarioNames, { error: (issue) => `has an unknown scenario "${String(issue.input)}" (known: ${scenarioNames.join(', ')})` })).min(1, 'needs at least one scenario'))
        .optional(),
    })
    .refine((v) => !(v.quick && v.smallest), { message: 'choose one of --quick and --smallest', path: ['quick'] });
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path[0];
    throw new UsageError(option === undefined || issue?.code === 'custom' ? (issue?.message ?? 'invalid arguments') : `--${String(option)} ${issue?.message ?? 'is invalid'}`);
  }
  const { quick, smallest, out, soak, appendfsync, only } = parsed.data;
  return { quick, smallest, out, soakSeconds: soak, appendfsync, only: only && scenarioNames.filter((name) => only.includes(name)) };
}

/**
 * `npm run projections -- status` as a person runs it, against the test's
 * Redis and PostgreSQL: the operations page's tables in plain text, exit 0;
 * `--json` prints the status itself; a wrong argument is one line and exit 1.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { env } from '~/env';
import { projectorNames } from '~/server/app/projectors';
import { drainsAfterResponsesDone } from '~/server/app/read-your-writes';
import { projectorsCaughtUp } from '../support/app-progress';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { runScript } from '../support/run-script';

closeAppClientsAfterAll();

const printedRows = z.object({
  projectors: z.array(z.object({ projector: z.string(), partition: z.number(), position: z.string(), lag: z.number().nullable(), pending: z.number().nullable() })),
});

describe('npm run projections -- status', () => {
  it('prints the partitions, every projector on every partition, workers and dead letters; --json the same status as the page', { timeout: 60_000 }, async () => {
    const ada = as('ada');
    await ada.api.organizations.create({ name: 'Acme', slug: `acme-${randomUUID().slice(0, 8)}` });
    await drainsAfterResponsesDone();
    await projectorsCaughtUp();
    const page = await as('operator').api.operations.status();

    const json = await runScript('scripts/projections.ts', ['status', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const printed: unknown = JSON.parse(json.stdout);
    expect(printed).toMatchObject({ ok: expect.any(Boolean), stallMs: env.PROJECTOR_STALL_MS, workers: [], deadLetters: { failed: 0, blocked: 0 } });
    const rows = printedRows.parse(printed).projectors;
    expect(rows).toHaveLength(projectorNames.length * env.EVENT_PARTITIONS);
    // Nothing ran in between: the same checkpoints the page's procedure reports.
    expect(rows.map((r) => [r.partition, r.projector, r.position])).toEqual(page.projectors.map((r) => [r.partition, r.projector, r.position]));

    const text = await runScript('scripts/projections.ts', ['status']);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^Projections at \S+ · nothing stalled$/);
    for (const heading of ['Partitions', 'Projectors', 'Workers']) expect(lines).toContain(heading);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Partition +Projector +Checkpoint +Lag \(events\) +Lag \(s\) +Last progress +Pending +State$/));
    for (const row of page.projectors) {
      const line = new RegExp(`^ {2}${row.partition} +${row.projector} +${row.position} +${row.lag ?? '—'} +0\\.0 +.+ +${row.pending ?? '—'} +caught up$`);
      expect(lines, `a line for ${row.projector} on partition ${row.partition}`).toContainEqual(expect.stringMatching(line));
    }
    expect(lines).toContain('  No live worker.');
    expect(lines.at(-2)).toBe('No dead letters.');
  });

  it('refuses an unknown argument or command in one line', async () => {
    const wrong = await runScript('scripts/projections.ts', ['status', '--yaml']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe('✖ Unknown argument "--yaml". Usage: npm run projections -- status [--json]');
    const unknown = await runScript('scripts/projections.ts', ['statuss']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n').slice(0, 3)).toEqual(['✖ Unknown command "statuss".', 'Usage: npm run projections -- <command>', 'Commands:']);
    expect(unknown.stderr).toMatch(/^ {2}status \[--json\] +partitions, projector lag/m);
    expect(unknown.stderr).toMatch(/^ {2}rebuild <projector> +rebuild one read model/m);
  });
});

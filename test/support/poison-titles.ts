/**
 * A genuine, curable projector failure for dead-letter tests: a trigger on the
 * board's `tasks` table makes PostgreSQL refuse every task whose title starts
 * with a marker. The board projector's insert fails for real, its attempts
 * run out and the event is parked, while commands and other read models go
 * on. `cure()` drops the trigger, the way a fix removes a bug's cause, after
 * which a retry of the parked events succeeds.
 */
import { randomBytes } from 'node:crypto';

/** Runs one SQL statement: `(q) => db.execute(sql.raw(q))` in-process, `(q) => client.unsafe(q)` with postgres.js. */
export type RunSql = (statement: string) => Promise<unknown>;

/** The error PostgreSQL raises for a refused title: what the dead letter's error says. */
export const POISON_ERROR = 'poison title refused';

export async function refusePoisonTitles(run: RunSql): Promise<{ marker: string; cure: () => Promise<void> }> {
  const tag = randomBytes(4).toString('hex');
  const marker = `poison-${tag}`;
  const name = `refuse_${tag}`;
  await run(`create function ${name}() returns trigger language plpgsql as $$
    begin if new.title like '${marker}%' then raise exception '${POISON_ERROR}'; end if; return new; end $$`);
  await run(`create trigger ${name} before insert or update on tasks for each row execute function ${name}()`);
  return {
    marker,
    cure: async () => {
      await run(`drop trigger if exists ${name} on tasks`);
      await run(`drop function if exists ${name}()`);
    },
  };
}

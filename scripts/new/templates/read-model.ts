/**
 * A read model file (`npm run new:read-model`, and the one a new module
 * starts with): its table, one row per aggregate, filled by a row projector
 * from the aggregate's creation event, and a query scoped to the
 * organization.
 */
import { camel, prose, snake } from '../names';

export interface ReadModelSpec {
  feature: string;
  /** The read model's and its projector's name: `comments`, `comment-stats`. */
  name: string;
  /** The creation event it reads: its constant, type, and where it is imported from. */
  event: { constName: string; type: string; from: string };
  /** What one row stands for, in words: `comment`. */
  rowWords: string;
  /** Fields of the event's data it keeps, each in a text column of the same name. */
  fields: ReadonlyArray<string>;
}

export function readModelNames(spec: ReadModelSpec) {
  const base = camel(spec.name);
  return { ...spec, table: snake(spec.name), tableConst: base, projector: `${base}Projector`, query: `${base}Of`, procedure: base };
}
export type ReadModelNames = ReturnType<typeof readModelNames>;

export const readModelFile = (r: ReadModelNames) => {
  const columns = r.fields.map((f) => `    ${f}: text('${snake(f)}').notNull(),\n`).join('');
  const rowFields = r.fields.map((f) => `${f}: e.data.${f}, `).join('');
  const selected = r.fields.map((f) => `${f}: ${r.tableConst}.${f}, `).join('');
  return `/**
 * The ${prose(r.name)} read model: one row per ${r.rowWords}, per organization, newest
 * first. Commands never read it: they decide from the write side
 * (../commands.ts), so this table may lag, or be dropped and rebuilt.
 *
 * To read another event, list it in \`events\` and give it a handler (the
 * compiler asks for one). After changing the table, run \`npm run db:regenerate\`
 * while git does not track its migration yet (it writes that migration again
 * from the table as it is), else \`npm run db:generate -- --name <what-changed>\`;
 * commit the migration.
 */
import { desc, eq } from 'drizzle-orm';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { defineRowProjector } from '~/server/projectors/define-projector';
import { aggregateRows } from '~/server/projectors/rows';
import { ${r.event.constName} } from '${r.event.from}';

export const ${r.tableConst} = pgTable(
  '${r.table}',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
${columns}    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('${r.table}_organization').on(t.organizationId, t.createdAt)],
);

export const ${r.projector} = defineRowProjector({
  name: '${r.name}',
  events: [${r.event.constName}],
  rows: { ${r.tableConst}: aggregateRows(${r.tableConst}, 'id') },
  handlers: {
    '${r.event.type}': (e, rows) => rows.${r.tableConst}.insert({ id: e.aggregateId, organizationId: e.organizationId, ${rowFields}createdAt: e.occurredAt }),
  },
});

// ---- queries (always scoped to the organization)

/** The organization's latest ${r.rowWords} rows, newest first. */
export function ${r.query}(db: Db, organizationId: string) {
  return db
    .select({ id: ${r.tableConst}.id, ${selected}createdAt: ${r.tableConst}.createdAt })
    .from(${r.tableConst})
    .where(eq(${r.tableConst}.organizationId, organizationId))
    .orderBy(desc(${r.tableConst}.createdAt))
    .limit(100);
}
`;
};

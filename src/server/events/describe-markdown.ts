/**
 * The event catalogue (./describe.ts) as Markdown: what `npm run catalogue`
 * prints. One section per aggregate, one per event type with its
 * description, fields, readers and an example.
 */
import type { EventCatalogueDescription, EventCatalogueEntry } from './describe';

export function renderCatalogueMarkdown(catalogue: EventCatalogueDescription): string {
  const aggregates = [...new Set(catalogue.events.map((e) => e.aggregate))];
  const lines = [
    '# Event catalogue',
    '',
    `Generated from the code by \`npm run catalogue\`: ${catalogue.events.length} event types of ${aggregates.length} aggregates.`,
  ];
  if (catalogue.everyEvent.length > 0) {
    lines.push(`Every event, whatever its type, is also read by ${list(catalogue.everyEvent)}.`);
  }
  for (const aggregate of aggregates) {
    lines.push('', `## Aggregate \`${aggregate}\``);
    for (const entry of catalogue.events.filter((e) => e.aggregate === aggregate)) lines.push('', ...renderEntry(entry));
  }
  return `${lines.join('\n')}\n`;
}

function renderEntry(entry: EventCatalogueEntry): string[] {
  const lines = [`### \`${entry.type}\` v${entry.version}`, '', entry.description, ''];
  if (entry.fields.length === 0) {
    lines.push('No data fields.');
  } else {
    lines.push('| Field | Type | Required | Constraints |', '| --- | --- | --- | --- |');
    for (const field of entry.fields) {
      const constraints = field.constraints.map((c) => (c.startsWith(PATTERN) ? `${PATTERN}\`${c.slice(PATTERN.length)}\`` : c));
      lines.push(`| \`${field.name}\` | ${cell(field.type)} | ${field.required ? 'yes' : 'no'} | ${cell(constraints.join('; '))} |`);
    }
  }
  lines.push(
    '',
    `- Aggregate: \`${entry.aggregate}\``,
    `- Projectors: ${list(entry.projectors)}`,
    `- Reactors: ${list(entry.reactors)}`,
    `- Views refreshed: ${list(entry.views)}`,
    '',
    'Example data:',
    '',
    '```json',
    JSON.stringify(entry.example, null, 2),
    '```',
  );
  return lines;
}

function list(names: ReadonlyArray<string>): string {
  return names.length === 0 ? 'none' : names.map((n) => `\`${n}\``).join(', ');
}

/** A regular expression reads as code, where `*` and `_` are not emphasis. */
const PATTERN = 'pattern: ';

/** Table cells: a `|` would end the cell (even in code, where GFM unescapes `\|` first), and a line break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

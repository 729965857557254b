/**
 * Stored-event fixtures: one JSON envelope per event type and schema version,
 * named `<type>.v<version>.json`, in test/fixtures/events/. Decoding each one
 * through today's catalogue proves that events written by any earlier version
 * of the code still read as the current shape (upcasters included).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeEnvelope, type AnyCatalogue } from '~/server/events/catalogue';
import type { EventDefinition } from '~/server/events/define-event';

export const EVENT_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/events');

const ROOT = path.resolve(import.meta.dirname, '../..');
const NAME = /^(.+)\.v(\d+)\.json$/;

export interface FixtureCheck {
  /** One sentence per problem, naming the file; empty when every fixture is there and decodes. */
  problems: string[];
  /** Each fixture's data after decoding (upcast to the current version), by file name. */
  decoded: Map<string, unknown>;
}

/** Checks the fixtures in `folder` (its own files only, not subfolders) against `catalogue`. */
export function checkFixtures(catalogue: Pick<AnyCatalogue, 'decode'> & { definitions: ReadonlyArray<EventDefinition> }, folder: string): FixtureCheck {
  const problems: string[] = [];
  const decoded = new Map<string, unknown>();
  const shown = (file: string) => path.relative(ROOT, path.join(folder, file));
  const expected = new Set<string>();
  for (const definition of catalogue.definitions) {
    for (let version = 1; version <= definition.version; version++) {
      const file = `${definition.type}.v${version}.json`;
      expected.add(file);
      if (!existsSync(path.join(folder, file))) {
        problems.push(
          `${shown(file)} is missing: every version of ${definition.type} (1 to ${definition.version}) needs a stored-event fixture. ` +
            `Write one from the v${version} example, shaped like the other files there, and never change the older ones (see "Changing an event's schema" in README.md).`,
        );
        continue;
      }
      const fields = { e: readFileSync(path.join(folder, file), 'utf8') };
      const result = catalogue.decode(fields, { partition: 0, id: '0-1' });
      if (!result.ok) {
        problems.push(`${shown(file)} does not decode: ${result.error}`);
        continue;
      }
      const envelope = decodeEnvelope(fields);
      const written = envelope.ok ? `${envelope.envelope.type} v${envelope.envelope.v}` : '?';
      if (written !== `${definition.type} v${version}`) problems.push(`${shown(file)} holds ${written}, not ${definition.type} v${version}.`);
      const current = definition.data.safeParse(result.event.data);
      if (!current.success) problems.push(`${shown(file)} does not decode to the current shape of ${definition.type}: ${current.error.message}`);
      decoded.set(file, result.event.data);
    }
  }
  for (const file of readdirSync(folder, { withFileTypes: true })) {
    if (!file.isFile() || expected.has(file.name)) continue;
    const match = NAME.exec(file.name);
    problems.push(
      match
        ? `${shown(file.name)} is not a version of any event type this code knows (${match[1]} v${match[2]}): rename or remove it.`
        : `${shown(file.name)} is not named <type>.v<version>.json.`,
    );
  }
  return { problems, decoded };
}

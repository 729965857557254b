/**
 * The catalogue: one typed registry of every event type. Appending checks
 * drafts against it; reading decodes stream entries through it (look up the
 * type, upcast older versions, parse with the type's schema).
 *
 * The app's catalogue is built in src/server/app/catalogue.ts from the deciders'
 * event lists (each feature's `events.ts`); tests build their own.
 */
import { errorMessage } from '~/server/errors';
import type { EventData, EventDefinition } from './define-event';
import { envelopeSchema, type Position, type RawEnvelope, type StoredEvent } from './envelope';
import { sealedOf, unseal } from './personal';

export type EventTypeOf<D extends readonly EventDefinition[]> = D[number]['type'];

/** The stored event of one type in a catalogue. */
export type EventOfType<D extends readonly EventDefinition[], K extends EventTypeOf<D>> = StoredEvent<
  K,
  EventData<Extract<D[number], { type: K }>>
>;

/** Any stored event of a catalogue, as a union discriminated by `type`. */
export type AnyEventOf<D extends readonly EventDefinition[]> = {
  [K in EventTypeOf<D>]: EventOfType<D, K>;
}[EventTypeOf<D>];

export type DecodeResult<D extends readonly EventDefinition[]> =
  | { ok: true; event: AnyEventOf<D> }
  /** What is known of an entry that cannot be decoded, so it can be parked with its aggregate. */
  | { ok: false; error: string; aggregateId: string; organizationId: string | null; eventId: string | null; type: string | null; correlationId: string | null };

export interface Catalogue<D extends readonly EventDefinition[] = readonly EventDefinition[]> {
  readonly definitions: D;
  readonly types: ReadonlyArray<EventTypeOf<D>>;
  get(type: string): EventDefinition | undefined;
  /**
   * Decodes the fields of a stream entry. Never throws. An event with sealed
   * personal data needs `keys` (fetch a batch's with `findKeys(db,
   * sealedSubjects(entries))`, ./personal-keys.ts); a subject missing from
   * them was erased, and its fields read as "Deleted user".
   */
  decode(fields: Record<string, string>, position: Position, keys?: ReadonlyMap<string, Buffer>): DecodeResult<D>;
}

/** What the runtime needs of any catalogue, whatever its event types. */
export type AnyCatalogue = Pick<Catalogue, 'get' | 'decode'>;

export type RawDecodeResult =
  | { ok: true; envelope: RawEnvelope }
  | Extract<DecodeResult<readonly EventDefinition[]>, { ok: false }>;

/** Parses only the envelope of an entry, leaving `data` as written (for the archive). Never throws. */
export function decodeEnvelope(fields: Record<string, string>): RawDecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(fields.e ?? '');
  } catch {
    return undecodable('entry is not an event envelope (invalid JSON)', null);
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return undecodable(`invalid envelope: ${errorMessage(envelope.error)}`, raw);
  return { ok: true, envelope: envelope.data };
}

export function createCatalogue<const D extends readonly EventDefinition[]>(definitions: D): Catalogue<D> {
  const byType = new Map<string, EventDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`Event type "${definition.type}" is defined twice.`);
    byType.set(definition.type, definition);
  }
  return {
    definitions,
    types: definitions.map((d) => d.type),
    get: (type) => byType.get(type),
    decode(fields, position, keys) {
      const envelope = decodeEnvelope(fields);
      if (!envelope.ok) return envelope;
      const definition = byType.get(envelope.envelope.type);
      if (!definition) return undecodable(`unknown event type "${envelope.envelope.type}"`, envelope.envelope);
      const opened = openPersonal(envelope.envelope.data, keys);
      if (!opened.ok) return undecodable(`${definition.type}: ${opened.error}`, envelope.envelope);
      const upcast = upcastData(definition, envelope.envelope.v, opened.data);
      if (!upcast.ok) return undecodable(upcast.error, envelope.envelope);
      const data = (opened.erased ? (definition.erasedData ?? definition.data) : definition.data).safeParse(upcast.data);
      if (!data.success) return undecodable(`invalid data for ${definition.type}: ${errorMessage(data.error)}`, envelope.envelope);
      const e = envelope.envelope;
      const event: StoredEvent = {
        id: e.id,
        type: e.type,
        aggregateId: e.aggregateId,
        aggregateVersion: e.aggregateVersion,
        organizationId: e.organizationId,
        actorId: e.actorId,
        correlationId: e.correlationId,
        causationId: e.causationId,
        occurredAt: new Date(e.occurredAt),
        data: data.data,
        position,
      };
      // The type and data were checked against this catalogue's definition just above.
      return { ok: true, event: event as AnyEventOf<D> };
    },
  };
}

/** Stored data with its sealed personal fields opened (./personal.ts); `erased` when the key is gone. */
function openPersonal(data: unknown, keys: ReadonlyMap<string, Buffer> | undefined): { ok: true; data: unknown; erased: boolean } | { ok: false; error: string } {
  const sealed = sealedOf(data);
  if (sealed === null) return { ok: true, data, erased: false };
  if (sealed instanceof Error) return { ok: false, error: sealed.message };
  if (!keys) return { ok: false, error: 'sealed personal data was read without its keys (findKeys in ./personal-keys.ts)' };
  try {
    // sealedOf found an object holding the sealed field.
    return { ok: true, ...unseal(data as Record<string, unknown>, sealed, keys.get(sealed.s)) };
  } catch (error) {
    return { ok: false, error: `sealed personal data does not open: ${errorMessage(error)}` };
  }
}

function upcastData(definition: EventDefinition, version: number, stored: unknown): { ok: true; data: unknown } | { ok: false; error: string } {
  if (version > definition.version) {
    return { ok: false, error: `${definition.type} v${version} is newer than this code knows (v${definition.version})` };
  }
  let data = stored;
  for (let v = version; v < definition.version; v++) {
    const step = definition.upcast[v];
    if (!step) return { ok: false, error: `${definition.type}: no upcaster from v${v}` };
    try {
      data = step(data);
    } catch (error) {
      return { ok: false, error: `${definition.type}: upcasting v${v} failed: ${errorMessage(error)}` };
    }
  }
  return { ok: true, data };
}

function undecodable(error: string, raw: unknown): Extract<DecodeResult<readonly EventDefinition[]>, { ok: false }> {
  const field = (name: string) => {
    if (typeof raw !== 'object' || raw === null || !(name in raw)) return null;
    const value: unknown = Reflect.get(raw, name);
    return typeof value === 'string' ? value : null;
  };
  return {
    ok: false,
    error,
    // An entry with no readable aggregate is parked under a shared placeholder.
    aggregateId: field('aggregateId') ?? '(undecodable)',
    organizationId: field('organizationId'),
    eventId: field('id'),
    type: field('type'),
    correlationId: field('correlationId'),
  };
}

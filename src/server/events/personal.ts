/**
 * Personal data in events, sealed per person (crypto-shredding). An event type
 * names the fields of its data that are a person's personal data and whose
 * they are (`personal` in `defineEvent`, ./define-event.ts). Before an event
 * reaches Redis those fields are taken out of its data and sealed together
 * with AES-256-GCM under that person's key (./personal-keys.ts), so the
 * streams and the archive only ever hold ciphertext:
 *
 *   { "invitationId": "…", "role": "member",
 *     "$personal": { "s": "email:9f86…", "f": ["email"], "c": "<base64 iv|tag|ciphertext>" } }
 *
 * Reading puts them back. Once the person is erased (their key deleted), each
 * of those fields reads as `ERASED` ("Deleted user"), whatever its schema
 * says: the catalogue parses erased data with the schema widened to accept it
 * there, so read models and rebuilds show "Deleted user" where the email or
 * name was.
 *
 * Edit it when the sealed form changes (keep reading the old one).
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { z } from 'zod';

/** What a personal field of an erased person reads as, in events, read models and the UI. */
export const ERASED = 'Deleted user';

/** The data field holding the sealed personal fields. */
export const SEALED_FIELD = '$personal';

/** Whose personal data a field is: a signed-up person by user id, or someone invited by email who may have no account. */
export const subjects = {
  user: (userId: string) => `user:${userId}`,
  /** The address is hashed (lower-cased) so the subject itself does not spell it out. */
  email: (email: string) => `email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`,
};

/** Keys of `T` whose values are strings (optional ones included): only those can be personal. */
export type StringFields<T> = { [K in keyof T]-?: NonNullable<T[K]> extends string ? K : never }[keyof T] & string;

/** `personal` of an event type: whose data it is, and which fields. */
export interface PersonalFields<TData> {
  /** The subject whose key seals the fields, from the event's data (`subjects.user(data.userId)`). */
  subject(data: TData): string;
  readonly fields: ReadonlyArray<StringFields<TData>>;
}

const sealedSchema = z.object({ s: z.string().min(1), f: z.array(z.string()), c: z.string().min(1) });
export type Sealed = z.output<typeof sealedSchema>;

/** `data` with its personal fields sealed under `key`; the subject and field names stay readable. */
export function seal(data: Record<string, unknown>, personal: { subject: string; fields: ReadonlyArray<string> }, key: Buffer): Record<string, unknown> {
  const open: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...data };
  const fields = personal.fields.filter((field) => data[field] !== undefined);
  for (const field of fields) {
    open[field] = data[field];
    delete rest[field];
  }
  const iv = Buffer.from(crypto.getRandomValues(new Uint8Array(12)));
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(personal.subject));
  const body = Buffer.concat([cipher.update(JSON.stringify(open), 'utf8'), cipher.final()]);
  const sealed: Sealed = { s: personal.subject, f: fields, c: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  return { ...rest, [SEALED_FIELD]: sealed };
}

/** The sealed part of stored data, if any (a malformed one reads as an error). */
export function sealedOf(data: unknown): Sealed | null | Error {
  if (typeof data !== 'object' || data === null || !(SEALED_FIELD in data)) return null;
  const sealed = sealedSchema.safeParse(Reflect.get(data, SEALED_FIELD));
  return sealed.success ? sealed.data : new Error(`malformed ${SEALED_FIELD}`);
}

/**
 * Stored data with its personal fields opened: `key` undefined means the
 * person was erased, and each sealed field reads as ERASED. Throws when the
 * key does not open it (tampered data, or a key that is not theirs).
 */
export function unseal(data: Record<string, unknown>, sealed: Sealed, key: Buffer | undefined): { data: Record<string, unknown>; erased: boolean } {
  const rest: Record<string, unknown> = { ...data };
  delete rest[SEALED_FIELD];
  if (!key) return { data: { ...rest, ...Object.fromEntries(sealed.f.map((field) => [field, ERASED])) }, erased: true };
  const raw = Buffer.from(sealed.c, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(sealed.s));
  decipher.setAuthTag(raw.subarray(12, 28));
  const open: unknown = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  if (typeof open !== 'object' || open === null) throw new Error('sealed personal data is not an object');
  return { data: { ...rest, ...open }, erased: false };
}

/**
 * The subjects whose keys a batch of stream entries needs (`{ e: envelope JSON }`),
 * so a reader fetches them in one query. Entries without sealed data cost a substring check.
 */
export function sealedSubjects(entries: Iterable<Record<string, string> | null | undefined>): string[] {
  const found = new Set<string>();
  for (const fields of entries) {
    const json = fields?.e;
    if (!json?.includes(`"${SEALED_FIELD}"`)) continue;
    try {
      const envelope: unknown = JSON.parse(json);
      const sealed = typeof envelope === 'object' && envelope !== null ? sealedOf(Reflect.get(envelope, 'data')) : null;
      if (sealed && !(sealed instanceof Error)) found.add(sealed.s);
    } catch {
      // not an envelope: decoding reports it
    }
  }
  return [...found];
}

/**
 * The schema erased data is parsed with: each personal field also accepts
 * ERASED. Personal fields must be fields of an object schema.
 */
export function erasedSchema(type: string, data: z.ZodType, fields: ReadonlyArray<string>): z.ZodType {
  if (!(data instanceof z.ZodObject)) throw new Error(`Event "${type}": personal fields need an object schema (z.object).`);
  const shape: Record<string, z.ZodType> = data.shape;
  const widened: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const schema = shape[field];
    if (!schema) throw new Error(`Event "${type}": personal field "${field}" is not in its schema.`);
    widened[field] = z.union([schema, z.literal(ERASED)]);
  }
  return data.extend(widened);
}

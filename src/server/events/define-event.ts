/**
 * `defineEvent` declares one event type: its name, its current schema version,
 * when it is emitted, an example of its data, the zod schema of that data, and
 * upcasters from older versions.
 *
 *   export const taskCreated = defineEvent({
 *     type: 'task.created', // past tense, namespaced
 *     version: 1,
 *     description: 'Emitted when a member adds a task to a project.',
 *     example: { title: 'Ship it' }, // data of the current version; parsed now
 *     data: z.object({ title: z.string().max(200) }),
 *   });
 *   taskCreated.create({ title: 'Ship it' }) // validated now, appended later
 *
 * The description and example feed the event catalogue (`npm run catalogue`,
 * ./describe.ts). A missing upcaster, a description that does not say when
 * the event is emitted, or an example its schema refuses stops start-up.
 *
 * Fields holding a person's personal data (an email, a name they gave) are
 * marked with `personal`, and are then stored sealed with that person's key
 * and read as "Deleted user" once they are erased (./personal.ts):
 *
 *   personal: { subject: (d) => subjects.user(d.userId), fields: ['email'] },
 *
 * To change a schema incompatibly: bump `version`, add `upcast[oldVersion]`
 * turning data of the old version into data of the next one, update the
 * example, and keep a fixture of the old version in test/fixtures/events/.
 * Stored events are never rewritten; they are upcast when read.
 */
import { z } from 'zod';
import { InvalidEventError } from '~/server/errors';
import { erasedSchema, type PersonalFields } from './personal';

export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly version: number;
  /** When it is emitted, one or two sentences beginning "Emitted when". */
  readonly description: string;
  /** Data of the current version, as its schema parsed it. */
  readonly example: z.output<TSchema>;
  readonly data: TSchema;
  /** upcast[n] turns data written at version n into data of version n + 1. */
  readonly upcast: Readonly<Record<number, (data: unknown) => unknown>>;
  /** The person whose data this is and which fields are personal: stored sealed, erasable (./personal.ts). */
  readonly personal?: PersonalFields<z.output<TSchema>>;
  /** With `personal`: the schema that reads data of an erased person (each personal field may be "Deleted user"). */
  readonly erasedData?: z.ZodType;
  /** Validates data and returns a draft ready to append. Throws InvalidEventError. */
  create(data: z.input<TSchema>): EventDraft<TType, z.output<TSchema>>;
}

/** An event that is valid but not yet appended (no id, position or version yet). */
export interface EventDraft<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

const TYPE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const DESCRIPTION = /^Emitted when \S[\s\S]*\.$/;

/** Marks drafts made by `create()`, whose data its schema already parsed; append skips parsing them again. */
const VALIDATED: unique symbol = Symbol('validated');

export function isValidatedDraft(draft: EventDraft): boolean {
  return VALIDATED in draft;
}

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(def: {
  type: TType;
  version: number;
  description: string;
  example: z.input<TSchema>;
  data: TSchema;
  upcast?: Record<number, (data: unknown) => unknown>;
  personal?: PersonalFields<z.output<TSchema>>;
}): EventDefinition<TType, TSchema> {
  if (!TYPE_NAME.test(def.type)) {
    throw new Error(`Event type "${def.type}" must be namespaced lower-case, like "task.created".`);
  }
  if (!Number.isInteger(def.version) || def.version < 1) throw new Error(`Event "${def.type}": version must be an integer ≥ 1.`);
  for (let v = 1; v < def.version; v++) {
    if (!def.upcast?.[v]) throw new Error(`Event "${def.type}" v${def.version}: missing upcast[${v}] (v${v} → v${v + 1}).`);
  }
  if (!DESCRIPTION.test(def.description)) {
    throw new Error(`Event "${def.type}": description must be a sentence beginning "Emitted when" and ending with a full stop.`);
  }
  const example = def.data.safeParse(def.example);
  if (!example.success) {
    throw new Error(`Event "${def.type}" v${def.version}: its example does not parse: ${z.prettifyError(example.error)}`, { cause: example.error });
  }
  return {
    type: def.type,
    version: def.version,
    description: def.description,
    example: example.data,
    data: def.data,
    upcast: def.upcast ?? {},
    ...(def.personal ? { personal: def.personal, erasedData: erasedSchema(def.type, def.data, def.personal.fields) } : {}),
    create(data) {
      const parsed = def.data.safeParse(data);
      if (!parsed.success) {
        throw new InvalidEventError(`Invalid data for ${def.type}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
      }
      const draft = { type: def.type, data: parsed.data };
      Object.defineProperty(draft, VALIDATED, { value: true }); // hidden: not copied, compared or serialised
      return Object.freeze(draft);
    },
  };
}

/** The data type of a definition. */
export type EventData<D> = D extends EventDefinition<string, infer S> ? z.output<S> : never;

/**
 * The fields of an event's data, derived from its zod schema through zod's
 * JSON Schema output, for the event catalogue (./describe.ts): one row per
 * field, nested objects flattened to dotted names (`placement.status`, items
 * of an array of objects as `items[].name`).
 *
 * The schema is read as *input*: what a stored event's data must look like,
 * since every read parses stored data with it again. Refinements written as
 * code (`.refine`) have no JSON Schema and so do not show; transforms show
 * the shape they accept.
 */
import { z } from 'zod';

type JsonSchema = z.core.JSONSchema.JSONSchema;

export interface EventField {
  /** The field's path in `data`: `title`, `placement.status`, `labels`. */
  readonly name: string;
  /** `string`, `integer`, `boolean`, `"todo" | "done"`, `string[]`, `string | null`, `object`, … */
  readonly type: string;
  readonly required: boolean;
  /** Compact, human-readable: `1–80 characters`, `format: uuid`, `at most 5 items`. */
  readonly constraints: ReadonlyArray<string>;
}

/** The rows of a data schema that is an object (every event's is); anything else is one row named `(data)`. */
export function fieldsOf(schema: z.ZodType): EventField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  if (json.type === 'object' && json.properties) return objectFields(json, '');
  return rows('(data)', json, true);
}

function objectFields(schema: JsonSchema, prefix: string): EventField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => rows(`${prefix}${name}`, node(property), required.has(name)));
}

/** The field itself, then the fields of an object it holds. */
function rows(name: string, schema: JsonSchema, required: boolean): EventField[] {
  const described = describe(schema);
  const field: EventField = { name, type: described.type, required, constraints: described.constraints };
  const nested = described.object ? objectFields(described.object, `${name}${described.type.endsWith('[]') ? '[]' : ''}.`) : [];
  return [field, ...nested];
}

interface Described {
  type: string;
  constraints: string[];
  /** An object schema whose properties become rows of their own. */
  object?: JsonSchema;
}

function describe(schema: JsonSchema): Described {
  const extra = schema.default === undefined ? [] : [`default ${JSON.stringify(schema.default)}`];
  if (schema.anyOf ?? schema.oneOf) {
    const branches = (schema.anyOf ?? schema.oneOf ?? []).map(describe);
    return {
      type: branches.map((b) => b.type).join(' | '),
      constraints: [...new Set(branches.flatMap((b) => b.constraints)), ...extra],
      object: branches.find((b) => b.object)?.object,
    };
  }
  if (schema.const !== undefined) return { type: JSON.stringify(schema.const), constraints: extra };
  if (schema.enum) return { type: schema.enum.map((v) => JSON.stringify(v)).join(' | '), constraints: extra };
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  switch (type) {
    case 'string':
      return { type, constraints: [...stringConstraints(schema), ...extra] };
    case 'number':
    case 'integer':
      return { type, constraints: [...numberConstraints(schema), ...extra] };
    case 'array': {
      const items = describe(Array.isArray(schema.items) ? {} : node(schema.items));
      const itemType = items.type.includes(' ') ? `(${items.type})` : items.type;
      const each = items.constraints.length > 0 ? [`each ${items.constraints.join(', ')}`] : [];
      return { type: `${itemType}[]`, constraints: [...range(schema.minItems, schema.maxItems, 'item'), ...each, ...extra], object: items.object };
    }
    case 'object':
      return { type, constraints: extra, object: schema.properties && Object.keys(schema.properties).length > 0 ? schema : undefined };
    case undefined:
      return { type: 'any', constraints: extra };
    default:
      return { type, constraints: extra };
  }
}

function stringConstraints(schema: JsonSchema): string[] {
  const out = range(schema.minLength, schema.maxLength, 'character');
  // A format (email, uuid, date-time) comes with zod's long regex for it: the format says it better.
  if (schema.format) out.push(`format: ${schema.format}`);
  else if (schema.pattern) out.push(`pattern: ${schema.pattern}`);
  return out;
}

function numberConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  // zod's .int() bounds every integer to the safe range; that goes without saying.
  if (schema.minimum !== undefined && schema.minimum !== Number.MIN_SAFE_INTEGER) out.push(`≥ ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.maximum !== Number.MAX_SAFE_INTEGER) out.push(`≤ ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === 'number') out.push(`< ${schema.exclusiveMaximum}`);
  if (schema.multipleOf !== undefined) out.push(`multiple of ${schema.multipleOf}`);
  return out;
}

/** `1–80 characters`, `at most 5 items`, `at least 1 character`, `exactly 64 characters`. */
function range(min: number | undefined, max: number | undefined, unit: 'character' | 'item'): string[] {
  const count = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const lower = min !== undefined && min > 0 ? min : undefined;
  if (lower !== undefined && max !== undefined) return [lower === max ? `exactly ${count(max)}` : `${lower}–${count(max)}`];
  if (max !== undefined) return [`at most ${count(max)}`];
  if (lower !== undefined) return [`at least ${count(lower)}`];
  return [];
}

/** `true` (anything) and `false` (nothing) are schemas too; read them as objects. */
function node(schema: boolean | JsonSchema | undefined): JsonSchema {
  if (schema === undefined || schema === true) return {};
  if (schema === false) return { not: {} };
  return schema;
}

/**
 * The signposts of the registries a developer joins when adding a procedure,
 * a projector or a view: a test that finds something missing fails with one
 * message naming the file, the table and the exact lines to add, instead of
 * an array diff. `sampleInput` writes a call's input for those lines from the
 * procedure's own zod schemas; `textFields` finds the fields that take text.
 */
import type { AnyProcedure } from '@trpc/server';
import { z } from 'zod';
import { describeTextProblem } from '~/lib/text';

export interface Signpost {
  /** What kind of thing is missing, singular: "procedure", "projector". */
  what: string;
  /** The names that are missing. */
  missing: ReadonlyArray<string>;
  /** Where to add them: the file, and the table in it. */
  file: string;
  table: string;
  /** The line to paste for one missing name. */
  line: (name: string) => string;
  /** A sentence after the lines: what to check in them. */
  note?: string;
  /** Another place a missing name may go instead, with its line. */
  or?: { table: string; when: string; line: (name: string) => string };
}

/** The message of a signpost: what is missing, where, and the lines to paste. */
export function signpostMessage(signpost: Signpost): string {
  const { what, missing, file, table, line, note, or } = signpost;
  const lines = (write: (name: string) => string) => missing.map((name) => `    ${write(name)}`).join('\n');
  const many = missing.length > 1;
  const parts = [`\`${table}\` in ${file} has no line for the ${what}${many ? 's' : ''} ${missing.join(', ')}. Add ${many ? 'these lines' : 'this line'}:`, '', lines(line), ''];
  if (note) parts.push(note, '');
  if (or) parts.push(`Or, ${or.when}, add to \`${or.table}\` in the same file:`, '', lines(or.line), '');
  return parts.join('\n');
}

/**
 * Fails with the signpost's message when anything is missing. A plain Error,
 * so the runner prints the message once, as written, with no diff below it.
 */
export function expectRegistered(signpost: Signpost): void {
  if (signpost.missing.length > 0) throw new Error(signpostMessage(signpost));
}

/** The object fields every input parser of a procedure reads, merged (tRPC runs each parser on the whole input). */
export function inputFields(procedure: AnyProcedure): Record<string, z.ZodType> {
  const fields: Record<string, z.ZodType> = {};
  for (const parser of procedure._def.inputs) if (parser instanceof z.ZodObject) Object.assign(fields, parser.shape);
  return fields;
}

/** What `userText` (~/lib/text) answers to a NUL: no other schema says exactly this. */
const USER_TEXT_REFUSAL = describeTextProblem({ kind: 'control', codePoint: 0 });

export interface TextField {
  /** The input field, dotted inside nested objects. */
  field: string;
  /** Whether the field is a list of texts. */
  list: boolean;
  /** Whether it takes line breaks. */
  multiline: boolean;
}

/**
 * The fields of a procedure's input that take text a person types, found by
 * how they behave: each refuses a NUL in `userText`'s own words.
 */
export function textFields(procedure: AnyProcedure): TextField[] {
  const found: TextField[] = [];
  const visit = (schema: z.core.$ZodType, field: string, list: boolean): void => {
    if (schema instanceof z.ZodNullable) return visit(schema.unwrap(), field, list);
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return visit(schema.unwrap(), field, list);
    if (schema instanceof z.ZodPipe) return visit(schema.in, field, list);
    if (schema instanceof z.ZodArray) return visit(schema.element, field, true);
    if (schema instanceof z.ZodObject) {
      for (const [name, inner] of Object.entries(schema.shape)) visit(inner, `${field}.${name}`, list);
    } else if (schema instanceof z.ZodString && z.safeParse(schema, 'a\u0000b').error?.issues[0]?.message === USER_TEXT_REFUSAL) {
      found.push({ field, list, multiline: z.safeParse(schema, 'a\nb').success });
    }
  };
  for (const [name, schema] of Object.entries(inputFields(procedure))) visit(schema, name, false);
  return found;
}

/**
 * A well-formed input for `procedure`, written as TypeScript source: its
 * fields (the required ones, or with `all` every one), each from `known` (a
 * fixture's expression, by field name) or a valid literal built from its
 * schema; `undefined` when it takes no input.
 */
export function sampleInput(procedure: AnyProcedure, known: Readonly<Record<string, string>>, opts: { all?: boolean } = {}): string | undefined {
  if (procedure._def.inputs.length === 0) return undefined;
  return objectSource(inputFields(procedure), known, opts.all ?? false);
}

function objectSource(fields: Record<string, z.core.$ZodType>, known: Readonly<Record<string, string>>, all = false): string {
  const entries = Object.entries(fields)
    .filter(([name, schema]) => all || name in known || !z.safeParse(schema, undefined).success)
    .map(([name, schema]) => (known[name] === name ? name : `${name}: ${known[name] ?? valueSource(schema, known)}`));
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/** A value `schema` accepts, as source. Unknown kinds say so, for the developer to fill in. */
function valueSource(schema: z.core.$ZodType, known: Readonly<Record<string, string>>): string {
  if (schema instanceof z.ZodNullable) return 'null';
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return valueSource(schema.unwrap(), known);
  if (schema instanceof z.ZodPipe) return valueSource(schema.in, known);
  if (schema instanceof z.ZodStringFormat) return schema.format === 'uuid' ? 'randomUUID()' : schema.format === 'email' ? "'someone@example.com'" : `'' /* a ${schema.format} */`;
  if (schema instanceof z.ZodString) return `'${'x'.repeat(Math.max(1, schema.minLength ?? 0))}'`;
  if (schema instanceof z.ZodNumber) return String(schema.minValue ?? 1);
  if (schema instanceof z.ZodBoolean) return 'false';
  if (schema instanceof z.ZodEnum) return literal(schema.options[0]);
  if (schema instanceof z.ZodLiteral) return literal([...schema.values][0]);
  if (schema instanceof z.ZodArray) return schema.safeParse([]).success ? '[]' : `[${valueSource(schema.element, known)}]`;
  if (schema instanceof z.ZodObject) return objectSource(schema.shape, known);
  if (schema instanceof z.ZodDate) return 'new Date()';
  return 'undefined /* fill in */';
}

/** A literal as the project writes it: strings in single quotes. */
function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/[\\']/g, '\\$&')}'` : String(value);
}

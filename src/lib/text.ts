/**
 * The one schema for text a person types (titles, names, descriptions). It
 * runs wherever the text enters: router inputs, event data (so `append`
 * refuses it too), and browser forms; isomorphic, zod only.
 *
 * Text that passes is safe for every store it reaches: Postgres `text`
 * refuses NUL, `jsonb` refuses NUL and unpaired surrogates, and an unpaired
 * surrogate silently becomes U+FFFD in UTF-8. Refusing them here, with a
 * message naming the character, keeps a bad title out of the event log
 * instead of parking its event as a dead letter.
 *
 * Order matters: line breaks are unified, characters checked, then NFC
 * normalization and trimming, and only then the length, so "é" typed as
 * e + U+0301 counts as one character, like everywhere it is shown.
 */
import { z } from 'zod';

export interface UserTextOptions {
  /** Most UTF-16 code units after normalization (the unit of the browser's `maxLength`). */
  max: number;
  /** Fewest code units after normalization and trimming; 0 allows empty text. */
  min?: number;
  /** Allows line breaks (`\r\n` and `\r` become `\n`) and tabs. */
  multiline?: boolean;
  /** Strips white space at both ends. Default: single-line text is trimmed, multiline text is not. */
  trim?: boolean;
  /** What the field is called in "Enter a …." (when min > 0). */
  label?: string;
}

export type TextProblem = { kind: 'control' | 'line-break' | 'surrogate' | 'noncharacter'; codePoint: number };

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

function isControl(unit: number, multiline: boolean): boolean {
  if (multiline && (unit === 0x09 || unit === 0x0a)) return false;
  return unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f);
}

// Noncharacters (U+FDD0–U+FDEF and the last two code points of every plane) are reserved for a program's internal use and must not be interchanged.
function isNoncharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** The first character `text` may not contain, or null. Line breaks and tabs count only in single-line text. */
export function textProblem(text: string, opts: { multiline?: boolean } = {}): TextProblem | null {
  const multiline = opts.multiline ?? false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) return { kind: 'surrogate', codePoint: unit };
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      if (isNoncharacter(codePoint)) return { kind: 'noncharacter', codePoint };
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return { kind: 'surrogate', codePoint: unit };
    } else if (!multiline && (unit === 0x0a || unit === 0x0d)) {
      return { kind: 'line-break', codePoint: unit };
    } else if (isControl(unit, multiline)) {
      return { kind: 'control', codePoint: unit };
    } else if (isNoncharacter(unit)) {
      return { kind: 'noncharacter', codePoint: unit };
    }
  }
  return null;
}

/** What the person sees next to the field. */
export function describeTextProblem(problem: TextProblem): string {
  const at = hex(problem.codePoint);
  switch (problem.kind) {
    case 'line-break':
      return 'Use a single line.';
    case 'control':
      return `Remove the invisible control character (${at}).`;
    case 'surrogate':
      return `Contains a broken character (${at}); type it again.`;
    case 'noncharacter':
      return `Remove the character ${at}: it cannot be stored.`;
  }
}

/** The schema of one user-entered text field. Its output is the normalized text; refusals carry one message each. */
export function userText(opts: UserTextOptions): z.ZodString {
  const multiline = opts.multiline ?? false;
  const trim = opts.trim ?? !multiline;
  const min = opts.min ?? 0;
  let schema = z
    .string()
    .overwrite((text) => (multiline ? text.replace(/\r\n?/g, '\n') : text))
    .check((ctx) => {
      const problem = textProblem(ctx.value, { multiline });
      // `continue: false` stops the checks below: a length message on top would only distract.
      if (problem) ctx.issues.push({ code: 'custom', message: describeTextProblem(problem), input: ctx.value, continue: false });
    })
    .normalize('NFC');
  if (trim) schema = schema.trim();
  if (min > 0) schema = schema.min(min, min === 1 ? `Enter a ${opts.label ?? 'value'}.` : `Use at least ${count(min)} characters.`);
  return schema.max(opts.max, `Use at most ${count(opts.max)} characters.`);
}

/** Fixed grouping ("5,000"), the same on the server and in every browser locale. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

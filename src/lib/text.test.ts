import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textProblem, userText } from './text';

const title = userText({ label: 'title', min: 1, max: 200 });
const description = userText({ max: 5_000, multiline: true });

/** The messages of a refusal, or the accepted value. */
function outcome(schema: ReturnType<typeof userText>, input: string): { ok: true; value: string } | { ok: false; messages: string[] } {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, messages: result.error.issues.map((i) => i.message) };
}

describe('userText: characters no store can keep', () => {
  it('given a NUL byte, when parsed, then it is refused with a message naming it', () => {
    expect(outcome(title, 'Ship\u0000it')).toEqual({ ok: false, messages: ['Remove the invisible control character (U+0000).'] });
    expect(outcome(description, '\u0000')).toEqual({ ok: false, messages: ['Remove the invisible control character (U+0000).'] });
  });

  it('given a lone high or low surrogate, when parsed, then it is refused', () => {
    expect(outcome(title, 'a\ud800b')).toEqual({ ok: false, messages: ['Contains a broken character (U+D800); type it again.'] });
    expect(outcome(title, 'a\udfff')).toEqual({ ok: false, messages: ['Contains a broken character (U+DFFF); type it again.'] });
    expect(outcome(title, '\ud800')).toMatchObject({ ok: false });
    // A low surrogate before its high one is two lone halves, not a pair.
    expect(outcome(title, '\ude00\ud83d')).toEqual({ ok: false, messages: ['Contains a broken character (U+DE00); type it again.'] });
  });

  it('given valid surrogate pairs (emoji), when parsed, then they are kept', () => {
    expect(outcome(title, 'Ship it 🚀')).toEqual({ ok: true, value: 'Ship it 🚀' });
    expect(outcome(title, '👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢')).toEqual({ ok: true, value: '👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢' });
  });

  it('given C0, DEL or C1 controls, when parsed, then each is refused', () => {
    for (const control of ['\u0001', '\u0007', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f']) {
      expect(outcome(title, `a${control}b`), JSON.stringify(control)).toMatchObject({ ok: false });
      expect(outcome(description, `a${control}b`), JSON.stringify(control)).toMatchObject({ ok: false });
    }
  });

  it('given noncharacters, when parsed, then they are refused, and U+FFFD is kept', () => {
    for (const nonchar of ['\ufffe', '\uffff', '\ufdd0', '\u{1fffe}', '\u{10ffff}']) {
      expect(outcome(title, `a${nonchar}`), JSON.stringify(nonchar)).toMatchObject({ ok: false });
    }
    expect(outcome(title, 'a\ufffd')).toEqual({ ok: true, value: 'a\ufffd' });
  });

  it('given right-to-left marks and combining marks, when parsed, then they are kept', () => {
    expect(outcome(title, '\u200fשלום\u200e')).toEqual({ ok: true, value: '\u200fשלום\u200e' });
    expect(outcome(title, 'Z\u0335\u0321a\u0336lgo')).toEqual({ ok: true, value: 'Z\u0335\u0321a\u0336lgo' });
  });
});

describe('userText: line breaks and tabs', () => {
  it('given a newline or tab in single-line text, when parsed, then it is refused', () => {
    expect(outcome(title, 'one\ntwo')).toEqual({ ok: false, messages: ['Use a single line.'] });
    expect(outcome(title, 'one\rtwo')).toEqual({ ok: false, messages: ['Use a single line.'] });
    expect(outcome(title, 'one\ttwo')).toEqual({ ok: false, messages: ['Remove the invisible control character (U+0009).'] });
  });

  it('given newlines and tabs in multiline text, when parsed, then they are kept', () => {
    expect(outcome(description, 'one\n\ttwo\n')).toEqual({ ok: true, value: 'one\n\ttwo\n' });
  });

  it('given CR LF or a lone CR in multiline text, when parsed, then each becomes LF', () => {
    expect(outcome(description, 'one\r\ntwo\rthree')).toEqual({ ok: true, value: 'one\ntwo\nthree' });
  });
});

describe('userText: normalization, trimming and length', () => {
  it('given decomposed characters, when parsed, then they come out NFC', () => {
    expect(outcome(title, 'Caf\u0065\u0301')).toEqual({ ok: true, value: 'Caf\u00e9' });
    expect(outcome(title, '\u212b')).toEqual({ ok: true, value: '\u00c5' }); // ANGSTROM SIGN → Å
  });

  it('given white space around single-line text, when parsed, then it is trimmed; multiline text is not', () => {
    expect(outcome(title, '  Ship it \u00a0')).toEqual({ ok: true, value: 'Ship it' });
    expect(outcome(description, '  indented\n')).toEqual({ ok: true, value: '  indented\n' });
  });

  it('given only white space, when a required field is parsed, then the existing message asks for it', () => {
    expect(outcome(title, '   ')).toEqual({ ok: false, messages: ['Enter a title.'] });
    expect(outcome(userText({ label: 'name', min: 1, max: 80 }), '')).toEqual({ ok: false, messages: ['Enter a name.'] });
    expect(outcome(description, '')).toEqual({ ok: true, value: '' });
  });

  it('given text over the limit, when parsed, then the existing message is used', () => {
    expect(outcome(title, 'a'.repeat(201))).toEqual({ ok: false, messages: ['Use at most 200 characters.'] });
    expect(outcome(description, 'a'.repeat(5_001))).toEqual({ ok: false, messages: ['Use at most 5,000 characters.'] });
  });

  it('given text at the limit only once normalized, when parsed, then length is counted after normalization', () => {
    // 200 decomposed "é" are 400 code units typed, 200 stored.
    expect(outcome(title, 'e\u0301'.repeat(200))).toEqual({ ok: true, value: '\u00e9'.repeat(200) });
    // Surrounding spaces do not count against the limit either.
    expect(outcome(title, ` ${'a'.repeat(200)} `)).toEqual({ ok: true, value: 'a'.repeat(200) });
  });

  it('given a refused character, when parsed, then only its message is given (no length message on top)', () => {
    expect(outcome(title, `\u0000${'a'.repeat(300)}`)).toEqual({ ok: false, messages: ['Remove the invisible control character (U+0000).'] });
  });
});

describe('userText: any string', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.array(fc.constantFrom('a', ' ', 'e\u0301', '\u0000', '\ud800', '\udfff', '\u0085', '\u200f', '🚀', '\r\n', '\t', '\uffff'), { maxLength: 12 }).map((parts) => parts.join('')),
  );

  it('given any string, when accepted, then the value is clean, NFC, trimmed, within limits and parses to itself', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (input, multiline) => {
        const schema = multiline ? description : title;
        const result = schema.safeParse(input);
        if (!result.success) {
          expect(result.error.issues).toHaveLength(1);
          return;
        }
        const value = result.data;
        expect(textProblem(value, { multiline })).toBeNull();
        expect(value).toBe(value.normalize('NFC'));
        if (!multiline) expect(value).toBe(value.trim());
        expect(value.length).toBeLessThanOrEqual(multiline ? 5_000 : 200);
        expect(schema.parse(value)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('given any string with a NUL or an unpaired surrogate, when parsed, then it is refused', () => {
    const high = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
    const low = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
    // The bad half must stay unpaired: no high surrogate right before a low one, no low one right after a high one.
    const broken = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ unit: 'binary', maxLength: 20 }))
      .filter(([before, bad, after]) => !(low(bad.charCodeAt(0)) && high(before.charCodeAt(before.length - 1))) && !(high(bad.charCodeAt(0)) && low(after.charCodeAt(0))));
    fc.assert(
      fc.property(broken, fc.boolean(), ([before, bad, after], multiline) => {
        expect((multiline ? description : title).safeParse(`${before}${bad}${after}`).success).toBe(false);
      }),
    );
  });
});

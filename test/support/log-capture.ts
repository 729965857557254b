/** A real pino logger whose lines are kept in memory, to assert on what a component logs. */
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import { z } from 'zod';

const logLine = z.object({ level: z.number(), msg: z.string().default('') }).loose();

/** One captured line: its level, message and every other field (bindings included). */
export type LogLine = z.output<typeof logLine>;

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(logLine.parse(JSON.parse(line)));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

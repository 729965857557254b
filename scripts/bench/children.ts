/**
 * Child processes of the app scenarios, both sides of the wire. Load comes
 * from processes of its own (the HTTP load, the SSE subscribers, the mutation
 * generator), so the bench's own work never shares a thread with it; the
 * parent asks, the child answers each message with exactly one reply, in
 * order. Every child and process group started here is SIGKILLed when this
 * process exits, however it exits; a child whose parent is gone exits too.
 *
 * Edit it to change how children are started (the TypeScript loader) or how
 * they are cleaned up.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Pids to SIGKILL at exit; a negative one is a process group. */
const running = new Set<number>();
let cleanupInstalled = false;

/** Kills `pid` (a process group when negative) if this process exits before `untrack`. */
export function track(pid: number): void {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', () => {
      for (const id of running) {
        try {
          process.kill(id, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  running.add(pid);
}

export function untrack(pid: number): void {
  running.delete(pid);
}

export interface Child {
  /** Sends `message` and resolves with the child's reply to it, checked by `reply`. */
  ask: <T>(message: object, reply: z.ZodType<T>, timeoutMs: number) => Promise<T>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it is gone. */
  stop: () => Promise<void>;
}

/** Starts `file` (a TypeScript module beside this one) as a child with an IPC channel. */
export function startChild(file: string, label: string): Child {
  const child = fork(path.join(import.meta.dirname, file), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    // Typed arrays and Maps cross the channel as they are.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid) track(pid);
  const waiting: Array<{ resolve: (value: unknown) => void; reject: (error: Error) => void }> = [];
  let exit: string | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      if (pid) untrack(pid);
      for (const w of waiting.splice(0)) w.reject(new Error(`${label} exited (${exit}) before it answered`));
      resolve();
    }),
  );
  child.on('message', (message) => waiting.shift()?.resolve(message));

  const ask = async <T,>(message: object, reply: z.ZodType<T>, timeoutMs: number): Promise<T> => {
    if (exit) throw new Error(`${label} exited (${exit})`);
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<unknown>((resolve, reject) => {
      waiting.push({ resolve, reject });
      timer = setTimeout(() => reject(new Error(`${label} did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    child.send(message);
    try {
      const raw = await answer;
      const failure = childFailure(raw);
      if (failure) throw new Error(`${label}: ${failure}`);
      return reply.parse(raw);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async () => {
    if (exit) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  };
  return { ask, stop };
}

function childFailure(raw: unknown): string | null {
  return typeof raw === 'object' && raw !== null && 'failed' in raw && typeof raw.failed === 'string' ? raw.failed : null;
}

/**
 * The child's side: answers each message from the parent with `handle`'s
 * result, one at a time and in order (a failure is answered as `{ failed }`);
 * exits when the parent goes away or says SIGTERM.
 */
export function answerParent(handle: (message: unknown) => Promise<unknown>): void {
  let queue = Promise.resolve();
  process.on('message', (message) => {
    queue = queue.then(async () => {
      const reply = await handle(message).catch((error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }));
      process.send?.(reply);
    });
  });
  process.on('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

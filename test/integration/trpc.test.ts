import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createCaller } from '~/server/api/root';
import { createContextInner } from '~/server/api/trpc';
import type { Session } from '~/server/auth';

const session: Session = {
  user: { id: 'user-1', email: 'ada@example.com', name: 'Ada' },
  expires: new Date(Date.now() + 60_000).toISOString(),
};
const anonymous = createCaller(createContextInner({ session: null }));
const signedIn = createCaller(createContextInner({ session }));

describe('tRPC procedures', () => {
  it('system.ping answers anyone with the server time', async () => {
    const before = Date.now();
    const { at } = await anonymous.system.ping();
    expect(at).toBeInstanceOf(Date);
    expect(at.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('system.viewer refuses a signed-out caller with UNAUTHORIZED', async () => {
    const error = await anonymous.system.viewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('system.viewer returns the signed-in user', async () => {
    await expect(signedIn.system.viewer()).resolves.toEqual({ id: 'user-1', email: 'ada@example.com', name: 'Ada' });
  });

  it('system.live refuses a signed-out subscriber', async () => {
    await expect(anonymous.system.live()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('system.live streams tracked heartbeats and stops when the client goes away', async () => {
    const controller = new AbortController();
    const caller = createCaller(createContextInner({ session }), { signal: controller.signal });
    const stream = await caller.system.live();
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // tracked() values carry an id the client resumes from.
    const [id, data] = first.value ?? [];
    expect(id).toMatch(/^\d+-1$/);
    expect(data).toEqual({ at: expect.any(Date) });
    controller.abort();
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  it('rejects malformed subscription input with BAD_REQUEST and field errors', async () => {
    const error = await signedIn.system.live({ lastEventId: 'x'.repeat(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

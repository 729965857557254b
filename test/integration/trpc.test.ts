import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { createCaller } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
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

  it('system.live streams tracked heartbeats', async () => {
    const stream = await signedIn.system.live();
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) throw new Error('the subscription ended before its first heartbeat');
    // In-process, a tracked() value is its [id, data] envelope; the id is what a client resumes from.
    expect(first.value).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+-1$/), { at: expect.any(Date) }]));
    void iterator.return?.(); // ends after the pending heartbeat sleep; nothing waits for it
  });

  it('rejects malformed subscription input with BAD_REQUEST and field errors', async () => {
    const error = await signedIn.system.live({ lastEventId: 'x'.repeat(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('domain errors', () => {
  it('map to tRPC codes in one place', async () => {
    const { toTRPCError } = await import('~/server/api/trpc');
    const { ConflictError, ClaimTakenError, InvalidEventError, AppError } = await import('~/server/errors');
    expect(toTRPCError(new ConflictError('a', 1, 2))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('expected version 1, found 2') });
    expect(toTRPCError(new ClaimTakenError('slug', 'acme'))).toMatchObject({ code: 'CONFLICT', message: 'slug "acme" is already taken.' });
    expect(toTRPCError(new InvalidEventError('bad'))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(toTRPCError(new AppError('UNAVAILABLE', 'later'))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(toTRPCError(new Error('boom'))).toBeNull();
  });
});

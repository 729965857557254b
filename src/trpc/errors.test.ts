import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeError, hasFieldErrors } from './errors';

function clientError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32600, data } });
}

describe('describeError', () => {
  it('titles a typed error by its code and keeps the server’s sentence', () => {
    const error = clientError('Too many changes in a short time; try again in 3 s.', { code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    expect(describeError(error)).toEqual({ title: 'Slow down', description: 'Too many changes in a short time; try again in 3 s.' });
  });

  it('says a concurrent change lost, in words', () => {
    const error = clientError('Someone else changed this just now.', { code: 'CONFLICT', httpStatus: 409 });
    expect(describeError(error)).toEqual({ title: 'Not saved', description: 'Someone else changed this just now.' });
  });

  it('names the first field to fix', () => {
    const error = clientError('[…zod issues…]', { code: 'BAD_REQUEST', httpStatus: 400, zodError: { fieldErrors: { title: ['Too long'] } } });
    expect(describeError(error)).toEqual({ title: 'Check your input', description: 'Title: Too long' });
    expect(hasFieldErrors(error)).toBe(true);
  });

  it('never shows a server error’s or a network failure’s own message', () => {
    const serverError = clientError('relation "tasks" does not exist', { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 });
    expect(describeError(serverError).description).not.toContain('relation');
    expect(describeError(new TypeError('Failed to fetch')).title).toBe('Something went wrong');
    expect(hasFieldErrors(serverError)).toBe(false);
  });
});

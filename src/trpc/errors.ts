/**
 * What the UI tells a person when a call fails: a short title per tRPC error
 * code and the server's own sentence. Typed errors from the kernel carry
 * readable messages; anything else (a network failure, a 5xx) gets a generic
 * one so no stack trace or internal detail reaches the screen.
 */
import { TRPCClientError } from '@trpc/client';
import { z } from 'zod';

export type ErrorDescription = { title: string; description: string };

const shape = z.object({
  code: z.string(),
  httpStatus: z.number(),
  zodError: z.object({ fieldErrors: z.record(z.string(), z.array(z.string()).optional()) }).nullish(),
});

const TITLES: Record<string, string> = {
  BAD_REQUEST: 'Check your input',
  UNAUTHORIZED: 'You are signed out',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Not saved',
  PAYLOAD_TOO_LARGE: 'Too large',
  TOO_MANY_REQUESTS: 'Slow down',
};

const UNEXPECTED: ErrorDescription = {
  title: 'Something went wrong',
  description: 'The change was not saved. Check your connection and try again.',
};

export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof TRPCClientError)) return UNEXPECTED;
  const data = shape.safeParse(error.data).data;
  if (!data || data.httpStatus >= 500) return UNEXPECTED;
  const title = TITLES[data.code] ?? 'Not saved';
  // Field errors name what to fix ("Name: Too long") better than the joined message.
  const field = Object.entries(data.zodError?.fieldErrors ?? {}).find(([, messages]) => messages?.length);
  if (field) {
    const [name, messages] = field;
    const message = messages?.[0] ?? '';
    return { title, description: name ? `${name[0]?.toUpperCase()}${name.slice(1)}: ${message}` : message };
  }
  if (data.code === 'UNAUTHORIZED') return { title, description: 'Sign in again to continue.' };
  return { title, description: error.message };
}

/** Whether the error carries field errors, for forms that show them next to their fields. */
export function hasFieldErrors(error: unknown): boolean {
  return error instanceof TRPCClientError && shape.safeParse(error.data).data?.zodError != null;
}

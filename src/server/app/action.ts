/**
 * Server actions backed by tRPC procedures (via @trpc/next). A form can post
 * to one before the page hydrates, and the procedure's input validation,
 * middleware and error map apply as they do over HTTP.
 *
 * In a 'use server' file: `export const doThing = formAction(createAction(procedure))`.
 */
import { experimental_createServerActionHandler } from '@trpc/next/app-dir/server';
import { z } from 'zod';
import { trpcInstance } from '~/server/api/trpc';
import { createContextInner } from './context';
import { auth } from '~/server/auth';

export const createAction = experimental_createServerActionHandler(trpcInstance, {
  createContext: async () => createContextInner({ session: await auth() }),
});

const errorResponse = z.object({ error: z.object({ json: z.object({ message: z.string() }).loose() }).loose() });

/**
 * Adapts an action to `<form action={…}>`, which expects `void`: success (and
 * redirects, which Next.js handles) resolve; a tRPC error is rethrown with its
 * message so the nearest error boundary shows it.
 */
export function formAction(action: (input: FormData) => Promise<unknown>): (formData: FormData) => Promise<void> {
  return async (formData) => {
    const response = errorResponse.safeParse(await action(formData));
    // The error shape is superjson-encoded; its message is a plain string under `json`.
    if (response.success) throw new Error(response.data.error.json.message);
  };
}

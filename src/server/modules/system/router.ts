/**
 * System procedures: liveness of the API itself and the signed-in viewer.
 * The `live` subscription is the connection indicator's heartbeat: the UI shows
 * "Live" while it flows and "Reconnecting" when it stops.
 */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, publicProcedure, router } from '~/server/api/trpc';

const HEARTBEAT_MS = 15_000;

export const systemRouter = router({
  /** The server's clock; a cheap round trip for clients checking the API. */
  ping: publicProcedure.output(z.object({ at: z.date() })).query(() => ({ at: new Date() })),

  /** The signed-in user. */
  viewer: protectedProcedure.query(({ ctx }) => ({
    id: ctx.session.user.id,
    email: ctx.session.user.email,
    name: ctx.session.user.name ?? null,
  })),

  /** A heartbeat every 15 s over SSE; ids let a reconnecting client resume. */
  live: protectedProcedure
    .input(z.object({ lastEventId: z.string().max(64).nullish() }).optional())
    .subscription(async function* ({ signal }) {
      let beat = 0;
      while (!signal?.aborted) {
        beat += 1;
        yield tracked(`${Date.now()}-${beat}`, { at: new Date() });
        await sleep(HEARTBEAT_MS, signal);
      }
    }),
});

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

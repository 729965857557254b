/**
 * The app over real HTTP from Node, as a browser would use it, signed in with
 * a session cookie (scripts/lib/http-session.ts): a tRPC client with the same
 * links as the UI's (src/trpc/react.tsx): queries and mutations over HTTP, subscriptions over SSE with a WHATWG
 * EventSource (the `eventsource` package), which reconnects on its own and
 * sends `Last-Event-ID`. Every SSE connection is recorded, so a test can
 * count reconnects and see what each one resumed from.
 */
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from '~/server/app/router';

/** One SSE connection the client opened: when, the URL, and the Last-Event-ID it resumed from. */
export interface SseConnection {
  at: number;
  url: string;
  lastEventId: string | null;
}

/** A tRPC client signed in with `cookie`; `connections` lists every SSE (re)connection it made. */
export function trpcOverHttp(appUrl: string, cookie: string) {
  const url = `${appUrl}/api/trpc`;
  const connections: SseConnection[] = [];
  const withCookie: FetchLike = (input, init) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    connections.push({ at: Date.now(), url: String(input), lastEventId: headers.get('last-event-id') });
    return fetch(input, { ...init, headers });
  };
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: { fetch: withCookie },
        }),
        false: httpLink({ url, transformer: superjson, headers: { cookie } }),
      }),
    ],
  });
  return { client, connections };
}

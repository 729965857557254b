/**
 * The app over real HTTP from Node, as a browser would use it: the
 * development sign-in through next-auth's own endpoints (a session cookie),
 * then a tRPC client with the same links as the UI's (src/trpc/react.tsx):
 * queries and mutations over HTTP, subscriptions over SSE with a WHATWG
 * EventSource (the `eventsource` package), which reconnects on its own and
 * sends `Last-Event-ID`. Every SSE connection is recorded, so a test can
 * count reconnects and see what each one resumed from.
 */
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import superjson from 'superjson';
import { z } from 'zod';
import type { AppRouter } from '~/server/app/router';

/** Cookies set by `response`, merged into `jar` (name → value). */
function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/** Signs `email` in with the development sign-in; returns the Cookie header of the session. */
export async function signInOverHttp(appUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  keepCookies(jar, csrf);
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await csrf.json());
  const callback = await fetch(`${appUrl}/api/auth/callback/dev`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, callbackUrl: appUrl }),
  });
  keepCookies(jar, callback);
  if (![...jar.keys()].some((name) => name.endsWith('authjs.session-token'))) {
    throw new Error(`sign-in of ${email} set no session cookie (status ${callback.status})`);
  }
  return cookieHeader(jar);
}

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

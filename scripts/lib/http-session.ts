/**
 * A signed-in session over real HTTP, as a browser gets one: the development
 * sign-in through next-auth's own endpoints, which sets a session cookie. The
 * e2e tests and the bench sign in with it; edit it if next-auth's endpoints
 * or the development provider's id change.
 */
import { z } from 'zod';

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

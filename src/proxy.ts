/**
 * Next.js proxy (formerly "middleware"): refuses cross-site server-action
 * posts with 403.
 *
 * Next.js itself refuses a server action whose `Origin` differs from the
 * request's host (its CSRF check), but answers with a 500, which reads as a
 * server fault in logs and monitoring. This runs first, for POSTs that can be
 * server actions (a `Next-Action` header, or a multipart form posted before
 * hydration), and applies the same rule, answering 403:
 * - no `Origin` header: allowed, as Next.js does (non-browser clients; a
 *   browser always sends one on a cross-site POST);
 * - `Origin` whose host is the `X-Forwarded-Host` (first value) if present,
 *   else the `Host`: allowed;
 * - anything else, `Origin: null` included: 403.
 * Route handlers under /api/ are not server actions and are left alone.
 *
 * Edit it together with `serverActions.allowedOrigins` if you ever set that in
 * next.config.ts: origins allowed there must be allowed here too.
 */
import { NextResponse, type NextRequest } from 'next/server';

/** The host Next.js compares an action's Origin with. */
function expectedHost(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return forwarded || headers.get('host');
}

/** Whether a POST's Origin is the app's own (or absent). Pure: exported for tests. */
export function sameOriginOrNone(headers: Headers): boolean {
  const origin = headers.get('origin');
  if (origin === null) return true;
  const host = expectedHost(headers);
  if (!host || !URL.canParse(origin)) return false;
  return new URL(origin).host === host;
}

export function proxy(request: NextRequest) {
  if (request.method === 'POST' && !request.nextUrl.pathname.startsWith('/api/') && !sameOriginOrNone(request.headers)) {
    return new NextResponse('Cross-site request refused.\n', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  return NextResponse.next();
}

export const config = {
  // Only requests that can be server actions reach the proxy at all.
  matcher: [
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'next-action' }] },
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'content-type', value: 'multipart/form-data.*' }] },
  ],
};

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
 *
 * It also hands the organization pages' layout the path asked for
 * (`PATH_HEADER`), which layouts are not given: it sends a signed-out visitor
 * back there after sign-in, and an old id URL to the same page by slug.
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

/** The request header carrying the path of an organization page (set here, read by src/app/o/[slug]/layout.tsx). */
export const PATH_HEADER = 'x-streamline-path';

export function proxy(request: NextRequest) {
  if (request.method === 'POST' && !request.nextUrl.pathname.startsWith('/api/') && !sameOriginOrNone(request.headers)) {
    return new NextResponse('Cross-site request refused.\n', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  if (!request.nextUrl.pathname.startsWith('/o/')) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, request.nextUrl.pathname);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Only organization pages and requests that can be server actions reach the proxy at all.
  matcher: [
    '/o/:path*',
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'next-action' }] },
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'content-type', value: 'multipart/form-data.*' }] },
  ],
};

import { cronDrain } from '~/server/app/serverless';

// Vercel ends a function after maxDuration; the drain stops itself well before.
export const maxDuration = 60;
export const dynamic = 'force-dynamic';

/**
 * The serverless safety net: Vercel Cron calls this with `Authorization: Bearer
 * $CRON_SECRET`; it claims what dead drains left pending, drains every
 * partition for a bounded time, and trims the streams. It answers what it did:
 * `{ mode, events, partitions, busy, complete, claimed, trimmed, ms }`.
 */
export async function GET(request: Request) {
  const result = await cronDrain(request.headers.get('authorization'));
  return Response.json(result.body, { status: result.status, headers: { 'cache-control': 'no-store' } });
}

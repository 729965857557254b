import { currentHealth } from '~/server/health';

export const dynamic = 'force-dynamic';

/** 200 when Postgres and Redis both answer, 503 otherwise; the body says which failed. */
export async function GET() {
  const health = await currentHealth();
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}

import { currentHealth } from '~/server/health';

export const dynamic = 'force-dynamic';

/**
 * Liveness for load balancers and uptime checks: 200 when Postgres and Redis
 * answer, Redis keeps appends durable and this process runs with the partition
 * count the event log is laid out in, 503 otherwise; the body says which
 * failed. With `Authorization: Bearer $HEALTH_TOKEN` it adds every projector's
 * lag and stalls, and turns red on a stall (G13).
 */
export async function GET(request: Request) {
  const health = await currentHealth(request.headers.get('authorization'));
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}

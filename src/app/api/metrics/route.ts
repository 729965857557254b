import { env } from '~/env';
import { appProjectorsStatus } from '~/server/app/projectors';
import { metricsResponse } from '~/server/metrics';

export const dynamic = 'force-dynamic';

/**
 * Prometheus metrics, for a scraper holding `Authorization: Bearer
 * $METRICS_TOKEN` (404 while METRICS_TOKEN is unset, 401 without it): this
 * process's counters and histograms, and each projector's lag and dead
 * letters read from Redis and Postgres now (see src/server/metrics.ts).
 */
export async function GET(request: Request) {
  return metricsResponse(request.headers.get('authorization'), { token: env.METRICS_TOKEN, status: appProjectorsStatus });
}

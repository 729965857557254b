/**
 * A small HTTP server for a process that has no web server of its own (the
 * worker): `GET /metrics` answers like /api/metrics, with the same token,
 * but only this process's registry (its batch durations, events handled,
 * notices sent); the system gauges come from /api/metrics.
 */
import { createServer } from 'node:http';
import type { Logger } from 'pino';
import { errorMessage } from '~/server/errors';
import { metricsResponse } from './metrics';

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one picked for port 0). */
  port: number;
  close(): Promise<void>;
}

export async function serveMetrics(opts: { port: number; host: string; token: string; logger: Logger }): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: GET /metrics\n');
      return;
    }
    metricsResponse(request.headers.authorization ?? null, { token: opts.token })
      .then(async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(await answer.text());
      })
      .catch((error: unknown) => {
        opts.logger.warn({ component: 'metrics', err: errorMessage(error) }, 'metrics not served');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

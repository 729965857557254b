/**
 * G12 over HTTP, against the built app: the tRPC route refuses oversized
 * bodies with 413 before parsing them, and malformed JSON with a client error.
 * Also: the bench's own routes (src/app/api/bench/) are absent from this build.
 */
import { describe, expect, inject, it } from 'vitest';

const appUrl = inject('appUrl');
const endpoint = `${appUrl}/api/trpc/organizations.create`;
const json = { 'content-type': 'application/json' };

function chunkedBody(chunks: number, chunkBytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ >= chunks) return controller.close();
      controller.enqueue(new TextEncoder().encode('x'.repeat(chunkBytes)));
    },
  });
}

describe('the tRPC route over HTTP', () => {
  it('passes bodies under the limit on to tRPC (here: signed out, so 401)', async () => {
    const response = await fetch(endpoint, { method: 'POST', headers: json, body: JSON.stringify({ json: { name: 'Acme', slug: 'acme-http' } }) });
    expect(response.status).toBe(401);
  });

  it('answers malformed JSON with a client error, never a server error', async () => {
    // Signed out, tRPC answers 401 before it reads the input; either way no 5xx.
    const response = await fetch(endpoint, { method: 'POST', headers: json, body: '{"json": {"name": ' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('has no bench-only route: those exist only in the bench build (next.config.ts)', async () => {
    const response = await fetch(`${appUrl}/api/bench/noop`, { method: 'POST', headers: json, body: JSON.stringify({ json: {} }) });
    expect(response.status).toBe(404);
  });

  // The oversized requests come last: the server drops the connection of an upload it
  // refused part-way, and the client's pool could hand that socket to a later request.
  it('answers 413 to a body over 100 kB', async () => {
    const body = JSON.stringify({ json: { name: 'x'.repeat(200_000), slug: 'big' } });
    const response = await fetch(endpoint, { method: 'POST', headers: json, body });
    expect(response.status).toBe(413);
    await expect(response.json()).resolves.toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('answers 413 to an oversized body sent without Content-Length', async () => {
    // `duplex` is required by the fetch spec for stream bodies; Node's RequestInit typing lacks it.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', headers: json, body: chunkedBody(20, 10_000), duplex: 'half' };
    const response = await fetch(endpoint, init);
    expect(response.status).toBe(413);
  });
});

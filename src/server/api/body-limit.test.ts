import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitBody } from './body-limit';

const url = 'http://localhost/api/trpc/tasks.create';

/** A body streamed in chunks, without Content-Length (as with chunked transfer encoding). */
function streamed(chunks: string[]): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  // `duplex` is required by the fetch spec for stream bodies; Node's RequestInit typing lacks it.
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, duplex: 'half' };
  return new Request(url, init);
}

describe('limitBody', () => {
  it('passes a body up to the limit through unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), async (text) => {
        const size = new TextEncoder().encode(text).byteLength;
        const limited = await limitBody(new Request(url, { method: 'POST', body: text }), Math.max(size, 1));
        expect(limited).toBeInstanceOf(Request);
        if (limited instanceof Request) await expect(limited.text()).resolves.toBe(text);
      }),
    );
  });

  it('refuses a declared Content-Length over the limit with 413', async () => {
    const response = await limitBody(new Request(url, { method: 'POST', body: 'x'.repeat(1001) }), 1000);
    expect(response).toBeInstanceOf(Response);
    expect(response).toMatchObject({ status: 413 });
  });

  it('refuses a streamed body once it passes the limit, and keeps one that does not', async () => {
    const tooBig = await limitBody(streamed(['x'.repeat(600), 'x'.repeat(600)]), 1000);
    expect(tooBig).toMatchObject({ status: 413 });
    const fits = await limitBody(streamed(['{"a":', '1}']), 1000);
    expect(fits).toBeInstanceOf(Request);
    if (fits instanceof Request) await expect(fits.json()).resolves.toEqual({ a: 1 });
  });

  it('leaves requests without a body alone', async () => {
    const get = new Request(`${url}?input=%7B%7D`);
    await expect(limitBody(get, 10)).resolves.toBe(get);
  });
});

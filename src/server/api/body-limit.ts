/**
 * A cap on request bodies for the tRPC route, applied before anything parses
 * them. tRPC's fetch adapter has no `maxBodySize` (only its Node adapters do),
 * so the route reads the body here, at most `maxBytes` of it: a declared
 * `Content-Length` over the cap is refused without reading, and a body sent
 * without one (chunked) is refused as soon as it passes the cap.
 */

/** The largest body the tRPC route accepts: far above any real command, far below harm. */
export const MAX_BODY_BYTES = 100 * 1024;

export function payloadTooLarge(maxBytes: number): Response {
  return Response.json(
    { error: { message: `Request body too large (limit ${Math.round(maxBytes / 1024)} kB).`, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } },
    { status: 413 },
  );
}

/**
 * The request with its body read into memory (so it can be parsed), or a 413
 * response when the body is larger than `maxBytes`.
 */
export async function limitBody(req: Request, maxBytes: number): Promise<Request | Response> {
  if (!req.body) return req;
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await req.body.cancel().catch(() => undefined);
    return payloadTooLarge(maxBytes);
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const headers = new Headers(req.headers);
  headers.set('content-length', String(size));
  return new Request(req.url, { method: req.method, headers, body, signal: req.signal });
}

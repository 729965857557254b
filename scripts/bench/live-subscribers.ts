/**
 * Child process of scenario 4 (./live.ts): live subscribers, each one real SSE
 * connection to the subscription the UI opens (`organizations.changes`, as
 * tRPC's `httpSubscriptionLink` requests it: GET with the superjson-encoded
 * input in the query). Each notice of the board read model names the
 * aggregates its batch changed; a subscriber keeps, per task id, when the
 * first notice naming it arrived. A stream that ends (the server's
 * `SSE_MAX_DURATION_MS`) or fails is opened again from its last event id,
 * as the UI's client does, and counted.
 */
import { answerParent } from './children';
import { subscriberRequest, wallClockMs } from './messages';

/** The read model whose notices tell the board view that a task appeared. */
const BOARD = 'board';
const OPEN_WITHIN_MS = 30_000;
const RECONNECT_AFTER_MS = 200;

interface Subscriber {
  received: Map<string, number>;
  connected: boolean;
  lastEventId: string | null;
}

const subscribers: Subscriber[] = [];
const stop = new AbortController();
let reconnects = 0;
let failureShown = false;

function subscriptionUrl(url: string, organizationId: string, lastEventId: string | null): string {
  const input = { json: { organizationId, lastEventId } };
  return `${url}/api/trpc/organizations.changes?input=${encodeURIComponent(JSON.stringify(input))}`;
}

/** The aggregates a board notice names (`data: {"json":{…,"projector":"board",…,"aggregates":[…]}}`), or null. */
function boardAggregates(data: string): string[] | null {
  // Most notices are other read models': skip them before parsing.
  if (!data.includes(`"projector":"${BOARD}"`)) return null;
  const parsed: unknown = JSON.parse(data);
  if (typeof parsed !== 'object' || parsed === null || !('json' in parsed)) return null;
  const notice = parsed.json;
  if (typeof notice !== 'object' || notice === null || !('aggregates' in notice) || !Array.isArray(notice.aggregates)) return null;
  return notice.aggregates.filter((a): a is string => typeof a === 'string');
}

/** Applies one SSE event block (lines up to a blank line) to `s`. */
function onEvent(s: Subscriber, block: string, at: number): void {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trimStart();
    else if (line.startsWith('id:')) s.lastEventId = line.slice(3).trim();
  }
  if (event === 'connected') s.connected = true;
  if (event === 'serialized-error') throw new Error(`subscription failed: ${data.slice(0, 300)}`);
  if (event !== 'message' || !data) return;
  for (const id of boardAggregates(data) ?? []) if (!s.received.has(id)) s.received.set(id, at);
}

/** Keeps one subscription open until `stop`; reconnects from the last event id. */
async function follow(s: Subscriber, url: string, cookie: string, organizationId: string): Promise<void> {
  while (!stop.signal.aborted) {
    try {
      const response = await fetch(subscriptionUrl(url, organizationId, s.lastEventId), {
        headers: { cookie, accept: 'text/event-stream' },
        signal: stop.signal,
      });
      if (!response.ok || !response.body) throw new Error(`subscription answered ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = response.body.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        const at = wallClockMs();
        buffer += decoder.decode(read.value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          onEvent(s, buffer.slice(0, end), at);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (stop.signal.aborted) return;
      // Once per process: the reconnect count tells the rest.
      if (!failureShown) console.error(`subscriber: ${error instanceof Error ? error.message : String(error)}; reconnecting`);
      failureShown = true;
    }
    if (stop.signal.aborted) return;
    reconnects += 1;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_AFTER_MS));
  }
}

answerParent(async (raw) => {
  const message = subscriberRequest.parse(raw);
  switch (message.type) {
    case 'open': {
      const fresh = Array.from({ length: message.count }, (): Subscriber => ({ received: new Map(), connected: false, lastEventId: null }));
      subscribers.push(...fresh);
      for (const s of fresh) void follow(s, message.url, message.cookie, message.organizationId);
      const deadline = Date.now() + OPEN_WITHIN_MS;
      while (fresh.some((s) => !s.connected) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return { connected: fresh.filter((s) => s.connected).length };
    }
    case 'count':
      return { pairs: subscribers.reduce((sum, s) => sum + s.received.size, 0) };
    case 'collect': {
      const latencies = new Float64Array(subscribers.length * message.ids.length);
      let n = 0;
      let missed = 0;
      for (const s of subscribers) {
        message.ids.forEach((id, i) => {
          const at = s.received.get(id);
          if (at === undefined) missed += 1;
          else latencies[n++] = at - (message.sentAt[i] ?? at);
        });
        s.received.clear();
      }
      const result = { latencies: latencies.slice(0, n), missed, reconnects };
      reconnects = 0;
      return result;
    }
    case 'close':
      stop.abort();
      return {};
  }
});

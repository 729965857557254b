/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
 * sort by creation time. Ids made in the same millisecond by this process
 * also sort in creation order (the 12-bit `rand_a` field is a counter seeded
 * randomly each millisecond). Random bytes come from a pool refilled from the
 * CSPRNG, since one `getRandomValues` call per id costs more than the rest of
 * an append's bookkeeping.
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** Reserves `n` random bytes of the pool and returns where they start. */
function takeRandom(n: number): number {
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += n;
  return at;
}

/**
 * The id is written digit by digit into this buffer, then read out as one
 * string: one allocation per id, where joining pieces made a dozen.
 */
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** Where the two hex digits of each of the 16 bytes go in `text`. */
const DIGITS_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX = Buffer.from('0123456789abcdef', 'latin1');

function writeByte(index: number, byte: number): void {
  const at = DIGITS_AT[index] ?? 0;
  text[at] = HEX[byte >>> 4] ?? 0;
  text[at + 1] = HEX[byte & 0x0f] ?? 0;
}

let lastMs = -1;
let counter = 0;

export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than break the order.
      ms = lastMs + 1;
      counter = pool.readUInt16BE(takeRandom(2)) & 0x3ff;
    }
  } else {
    counter = pool.readUInt16BE(takeRandom(2)) & 0x3ff; // leaves room to count up within the ms
  }
  lastMs = ms;
  const high = Math.floor(ms / 0x1_0000_0000); // unix_ts_ms: 48 bits, the top 16 here
  const low = ms >>> 0;
  writeByte(0, high >>> 8);
  writeByte(1, high & 0xff);
  writeByte(2, low >>> 24);
  writeByte(3, (low >>> 16) & 0xff);
  writeByte(4, (low >>> 8) & 0xff);
  writeByte(5, low & 0xff);
  writeByte(6, 0x70 | (counter >>> 8)); // version 7, then rand_a: the counter
  writeByte(7, counter & 0xff);
  const random = takeRandom(8);
  writeByte(8, 0x80 | ((pool[random] ?? 0) & 0x3f)); // variant 0b10, then random bits
  for (let i = 1; i < 8; i++) writeByte(8 + i, pool[random + i] ?? 0);
  return text.toString('latin1', 0, 36);
}

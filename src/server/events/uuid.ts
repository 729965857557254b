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

function randomBytes8(): Buffer {
  if (offset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + 8);
  offset += 8;
  return bytes;
}

let lastMs = -1;
let counter = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than break the order.
      ms = lastMs + 1;
      counter = randomBytes8().readUInt16BE(0) & 0x3ff;
    }
  } else {
    counter = randomBytes8().readUInt16BE(0) & 0x3ff; // leaves room to count up within the ms
  }
  lastMs = ms;
  const random = randomBytes8();
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  const b = [
    (high >>> 8) & 0xff, high & 0xff,
    (low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff,
    0x70 | ((counter >>> 8) & 0x0f), counter & 0xff,
    0x80 | ((random[0] ?? 0) & 0x3f), random[1] ?? 0,
    random[2] ?? 0, random[3] ?? 0, random[4] ?? 0, random[5] ?? 0, random[6] ?? 0, random[7] ?? 0,
  ].map((x) => HEX[x] ?? '00');
  return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}`;
}

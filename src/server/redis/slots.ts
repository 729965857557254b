/**
 * The Redis Cluster hash slot of a key, computed the way Redis does it
 * (`CLUSTER KEYSLOT`): CRC16/XMODEM of the key's hash tag, modulo 16384.
 * Lets code and tests know which keys share a slot (and so may be touched by
 * one script or transaction) without asking a server.
 */

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

const OPEN_BRACE = 0x7b; // '{'
const CLOSE_BRACE = 0x7d; // '}'

/** CRC16 with polynomial 0x1021 and initial value 0 (XMODEM), the variant the Redis Cluster spec names. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  // The table has 256 entries and the index is masked to 0…255, so the lookup always hits.
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/**
 * The bytes Redis hashes: when the key has a `{` followed later by a `}` with
 * at least one byte between them, only those bytes (the first `{` and the first
 * `}` after it count); otherwise the whole key. So `{user1}.a` and `{user1}.b`
 * share a slot, while `{}x` and `x{}{y}` hash whole.
 */
export function hashTagBytes(key: Uint8Array): Uint8Array {
  const open = key.indexOf(OPEN_BRACE);
  if (open === -1) return key;
  const close = key.indexOf(CLOSE_BRACE, open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.subarray(open + 1, close);
}

const encoder = new TextEncoder();

/** The hash slot (0…16383) of `key`, taken as its UTF-8 bytes, as node-redis sends a string key. */
export function slotOf(key: string): number {
  return crc16(hashTagBytes(encoder.encode(key))) % CLUSTER_SLOTS;
}

/** The hash tag of `key` as text (keys with equal tags share a slot): the part inside its first non-empty `{…}`, else the key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

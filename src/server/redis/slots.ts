/**
 * The Redis Cluster slot of a key, computed as the server does: CRC16
 * (XMODEM) of the key's hash tag, the part between the first `{` and the next
 * `}` when that part is not empty, else of the whole key, modulo 16384. Keys
 * with the same tag share a slot, and so may meet in one command or script.
 */
export const SLOTS = 16_384;

const TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/** The hash tag of `key` (what decides its slot): the text inside its first non-empty `{…}`, else the key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export function slotOf(key: string): number {
  return crc16(new TextEncoder().encode(hashTag(key))) % SLOTS;
}

/**
 * Positions in the event log, shared by the server and the browser: a
 * partition and a Redis stream id ("ms-seq"). Stream ids order only within
 * one partition.
 */
export interface Position {
  partition: number;
  id: string;
}

/** Orders stream ids ("ms-seq"). Negative when a < b. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** Whether a read model that has applied up to `applied` already shows the write at `write`. */
export function covers(applied: Position | null, write: Position): boolean {
  return applied !== null && applied.partition === write.partition && compareStreamIds(applied.id, write.id) >= 0;
}

/** The later of two positions in one partition (an organization's writes share one); a different partition replaces. */
export function later(a: Position | null, b: Position): Position {
  return a !== null && covers(a, b) ? a : b;
}

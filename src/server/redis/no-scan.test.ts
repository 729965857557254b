/**
 * The app never walks the key space: `SCAN` sees one node of a cluster, and
 * `KEYS` blocks a server. Whatever it needs to find is indexed (worker
 * heartbeats in one sorted set, partitions by number), so this checks every
 * source file of the app and its scripts for a walk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const WALKS = /scanIterator|\.(scan|SCAN|keys|KEYS)\(\s*['"`]|\[\s*['"](SCAN|KEYS)['"]|\b(hScan|sScan|zScan)Iterator\b/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the key space', () => {
  it('is never scanned by the app or its scripts', () => {
    const files = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'scripts'))];
    expect(files.length).toBeGreaterThan(100);
    const walking = files.filter((file) => WALKS.test(readFileSync(file, 'utf8'))).map((file) => path.relative(ROOT, file));
    expect(walking).toEqual([]);
  });

  it('would notice a walk', () => {
    for (const walk of ["redis.scanIterator({ MATCH: 'x*' })", "sendCommand(['KEYS', '*'])", "redis.keys('sl:*')", "redis.SCAN('0')"]) expect(WALKS.test(walk)).toBe(true);
    for (const fine of ["redis.call('GET', KEYS[1])", 'Object.keys(row)', 'listeners.keys()']) expect(WALKS.test(fine)).toBe(false);
  });
});

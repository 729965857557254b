/**
 * `npm run seed` as a person runs it: a process against this file's database
 * and Redis. The demo organization is then checked through the procedures, as
 * demo@example.com, and a second run must change nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createCaller } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
import { env } from '~/env';
import { db } from '~/server/db';
import { users } from '~/server/db/auth-schema';
import { getRedis, keys } from '~/server/redis';
import { runScript } from '../support/run-script';

// An empty data directory, so the script cannot pick up a running `npm run dev`'s services.
const dataDir = mkdtempSync(path.join(tmpdir(), 'streamline-seed-'));

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
});

function seed() {
  return runScript('scripts/seed.ts', [], { ...process.env, NODE_ENV: 'development', STREAMLINE_DATA_DIR: dataDir, PORT: '4321' });
}

async function totalStreamLength(): Promise<number> {
  let total = 0;
  for (let p = 0; p < env.EVENT_PARTITIONS; p++) total += await getRedis().xLen(keys.stream(p));
  return total;
}

/** Everything demo@example.com can see of the demo organization. */
async function snapshot() {
  const [user] = await db.select().from(users).where(eq(users.email, 'demo@example.com'));
  if (!user) throw new Error('demo@example.com was not created');
  const session = { user: { id: user.id, email: 'demo@example.com', name: user.name }, expires: new Date(Date.now() + 3_600_000).toISOString() };
  const api = createCaller(createContextInner({ session }));
  const mine = await api.organizations.mine();
  const org = mine.find((o) => o.slug === 'acme-demo');
  if (!org) throw new Error('no acme-demo organization for demo@example.com');
  const organizationId = org.id;
  const members = await api.organizations.members({ organizationId });
  const projects = await api.tasks.projects({ organizationId });
  const tasks = [];
  for (const project of projects) {
    tasks.push(...(await api.tasks.board({ organizationId, projectId: project.id })).tasks.map((t) => ({ ...t, projectId: project.id, archived: false })));
    tasks.push(...(await api.tasks.board({ organizationId, projectId: project.id, archived: true })).tasks.map((t) => ({ ...t, projectId: project.id, archived: true })));
  }
  return { mine, org, members, projects, tasks };
}

describe('npm run seed', () => {
  it('creates the demo organization through commands, and a second run changes nothing', { timeout: 120_000 }, async () => {
    const first = await seed();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const s = await snapshot();
    expect(first.stdout).toContain(`Open http://localhost:4321/o/${s.org.slug} and sign in with demo@example.com.`);

    expect(s.mine).toEqual([expect.objectContaining({ name: 'Acme Demo', slug: 'acme-demo', role: 'owner' })]);
    expect(s.members.map((m) => [m.email, m.role]).sort()).toEqual([
      ['ada@example.com', 'admin'],
      ['demo@example.com', 'owner'],
      ['grace@example.com', 'member'],
      ['linus@example.com', 'member'],
    ]);
    expect(s.projects).toHaveLength(2);
    expect(s.tasks.length).toBeGreaterThanOrEqual(24);
    const live = s.tasks.filter((t) => !t.archived);
    for (const status of ['todo', 'doing', 'done'] as const) expect(live.some((t) => t.status === status)).toBe(true);
    expect(s.tasks.filter((t) => t.archived).length).toBeGreaterThan(0);
    const memberIds = new Set(s.members.map((m) => m.userId));
    const assigned = s.tasks.filter((t) => t.assigneeId !== null);
    expect(assigned.length).toBeGreaterThan(0);
    expect(assigned.every((t) => memberIds.has(t.assigneeId ?? ''))).toBe(true);
    // Columns are ordered: ranks within a column are distinct.
    for (const project of s.projects) {
      for (const status of ['todo', 'doing', 'done'] as const) {
        const ranks = live.filter((t) => t.status === status && t.projectId === project.id).map((t) => t.rank);
        expect(new Set(ranks).size).toBe(ranks.length);
      }
    }

    const eventsBefore = await totalStreamLength();
    const second = await seed();
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already exists; nothing to do.');
    expect(second.stdout).toContain(`Open http://localhost:4321/o/${s.org.slug}`);
    expect(await totalStreamLength()).toBe(eventsBefore);
    expect(await snapshot()).toEqual(s);
  });
});

/**
 * `npm run seed`: a demo organization to click through. "Acme Demo" with four
 * members and two projects of tasks spread over the columns, some assigned,
 * some done, some archived. Everything goes through the app's commands (the
 * tRPC procedures, called as each user), so the data is events like any other
 * and the read models are built by the projectors, never written here.
 *
 * Run it twice and the second run only says the organization exists.
 */
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable, assertRedisReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

const OWNER = 'demo@example.com';
const SLUG = 'acme-demo';
const PEOPLE = [
  { email: 'ada@example.com', role: 'admin' },
  { email: 'grace@example.com', role: 'member' },
  { email: 'linus@example.com', role: 'member' },
] as const;

type Status = 'todo' | 'doing' | 'done';
type Person = 'demo' | 'ada' | 'grace' | 'linus';
/** [title, column, assignee, archived] */
type TaskSeed = [string, Status, Person | null, boolean?];

const PROJECTS: Array<{ name: string; tasks: TaskSeed[] }> = [
  {
    name: 'Website relaunch',
    tasks: [
      ['Collect feedback on the current site', 'done', 'grace'],
      ['Write the new positioning', 'done', 'demo'],
      ['Sketch the landing page', 'done', 'ada'],
      ['Pick a type scale', 'done', null, true],
      ['Design the pricing table', 'doing', 'ada'],
      ['Build the page components', 'doing', 'linus'],
      ['Migrate the blog posts', 'doing', 'grace'],
      ['Set up redirects from old URLs', 'todo', 'linus'],
      ['Write the changelog page', 'todo', null],
      ['Accessibility review', 'todo', 'ada'],
      ['Compress hero images', 'todo', null],
      ['Add Open Graph images', 'todo', null],
      ['Cookie banner copy', 'todo', 'grace', true],
      ['Load test the signup flow', 'todo', 'linus'],
      ['Launch announcement email', 'todo', 'demo'],
      ['Old microsite cleanup', 'done', null, true],
    ],
  },
  {
    name: 'Mobile app',
    tasks: [
      ['Choose the navigation pattern', 'done', 'ada'],
      ['Offline mode spike', 'done', 'linus'],
      ['Push notification permissions', 'doing', 'linus'],
      ['Onboarding screens', 'doing', 'grace'],
      ['Dark mode', 'todo', null],
      ['Crash reporting', 'todo', 'linus'],
      ['App store screenshots', 'todo', 'grace'],
      ['Beta tester list', 'todo', 'demo'],
      ['Tablet layout', 'todo', null, true],
      ['Deep links from emails', 'todo', 'ada'],
      ['Biometric sign-in', 'todo', null],
      ['Release checklist', 'todo', 'demo'],
    ],
  },
];

runMain(async () => {
  loadScriptEnv();
  // The seed is a trusted local script making a burst of changes: the per-user limit does not apply to it.
  process.env.RATE_LIMIT_MUTATIONS = '0';
  const { env } = await import('../src/env');
  await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
  const { createCaller } = await import('../src/server/app/router');
  const { createContextInner, writeSide } = await import('../src/server/app/context');
  const { upsertUserByEmail } = await import('../src/server/auth/users');
  const { db } = await import('../src/server/db');
  const { recordEvents } = await import('../src/server/commands/handler');
  const { catchUp } = await import('../src/server/app/projectors');
  const { organizationDecider } = await import('../src/server/modules/organizations/commands');
  const { memberAdded } = await import('../src/server/modules/organizations/events');
  const { getRedis } = await import('../src/server/redis');
  const { closeNoticeHub } = await import('../src/server/realtime');

  /** A caller acting as the user with this email (created as the development sign-in would). */
  async function signIn(email: string) {
    const user = await upsertUserByEmail(email);
    if (!user) throw new Error(`could not create the user ${email}`);
    const session = { user: { id: user.id, email, name: user.name }, expires: new Date(Date.now() + 3_600_000).toISOString() };
    return { id: user.id, api: createCaller(createContextInner({ session })) };
  }

  try {
    const demo = await signIn(OWNER);
    const appUrl = process.env.AUTH_URL ?? `http://localhost:${process.env.PORT || 3000}`;
    const existing = (await demo.api.organizations.mine()).find((o) => o.slug === SLUG);
    if (existing) {
      console.log(`✔ "${existing.name}" (${SLUG}) already exists; nothing to do.`);
      console.log(`  Open ${appUrl}/o/${existing.slug} and sign in with ${OWNER}.`);
      return;
    }

    const org = await demo.api.organizations.create({ name: 'Acme Demo', slug: SLUG });
    const organizationId = org.id;
    const people: Record<Person, Awaited<ReturnType<typeof signIn>>> = {
      demo,
      ada: await signIn('ada@example.com'),
      grace: await signIn('grace@example.com'),
      linus: await signIn('linus@example.com'),
    };

    // Members join as accepting an invitation makes them join (`member.added`), without the
    // mail round trip. Everything after this goes through the procedures.
    for (const person of PEOPLE) {
      const userId = people[nameOf(person.email)].id;
      const result = await recordEvents(writeSide(), {
        decider: organizationDecider,
        organizationId,
        aggregateId: organizationId,
        actorId: userId,
        events: [memberAdded.create({ userId, email: person.email, role: 'member' })],
      });
      await catchUp(result.positions.at(-1));
      if (person.role !== 'member') await demo.api.organizations.changeRole({ organizationId, userId, role: person.role });
    }

    let taskCount = 0;
    const actors = Object.values(people);
    for (const project of PROJECTS) {
      const { id: projectId } = await demo.api.tasks.createProject({ organizationId, name: project.name });
      /** Places a task at the end of a column. */
      const endOf = async (status: Status) => {
        const { tasks } = await demo.api.tasks.board({ organizationId, projectId });
        return { status, after: tasks.filter((t) => t.status === status).at(-1)?.rank ?? null, before: null };
      };
      for (const [title, status, assignee, archived] of project.tasks) {
        const actor = actors[taskCount % actors.length] ?? demo;
        taskCount += 1;
        const { id: taskId } = await actor.api.tasks.create({ organizationId, projectId, title, placement: await endOf('todo') });
        if (status !== 'todo') await actor.api.tasks.move({ organizationId, taskId, placement: await endOf(status) });
        if (assignee) await actor.api.tasks.assign({ organizationId, taskId, assigneeId: people[assignee].id });
        if (archived) await actor.api.tasks.archive({ organizationId, taskId });
      }
    }

    console.log(`✔ Seeded "Acme Demo" (${SLUG}): ${PEOPLE.length + 1} members, ${PROJECTS.length} projects, ${taskCount} tasks.`);
    console.log(`  Open ${appUrl}/o/${SLUG} and sign in with ${OWNER}.`);
  } finally {
    closeNoticeHub();
    getRedis().destroy();
    await db.$client.end({ timeout: 5 });
  }
});

function nameOf(email: string): Person {
  const name = email.split('@')[0];
  if (name === 'demo' || name === 'ada' || name === 'grace' || name === 'linus') return name;
  throw new Error(`no demo person for ${email}`);
}

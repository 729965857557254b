import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '~': path.resolve(import.meta.dirname, 'src') };

// One runner for every suite: `npx vitest run` (or `npm test`) runs every
// project; `npx vitest run --project unit` runs one.
export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/support/global-services.ts'],
          setupFiles: ['./test/support/setup-file.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // The guarantees again, on a three-master Redis Cluster: the suites that prove them, unchanged,
          // plus what only a cluster has (test/cluster). The harness starts the cluster like the single server.
          name: 'cluster',
          include: [
            'test/cluster/**/*.test.ts',
            ...['append', 'idempotency', 'workers', 'projectors', 'organizations', 'tasks', 'live-views', 'write-side-state', 'invitations', 'partitions-switch'].map((f) => `test/integration/${f}.test.ts`),
          ],
          globalSetup: ['./test/support/global-services.ts'],
          setupFiles: ['./test/support/setup-file.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // After the single-server suites: its worker processes and killed masters would load the machine under them.
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/support/global-app.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machine has two cores and the app server needs one.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'scaffold',
          include: ['test/scaffold/**/*.test.ts'],
          // Minutes: it generates into a copy of the project, then compiles, lints and tests that copy.
          testTimeout: 15 * 60_000,
          hookTimeout: 60_000,
          // After the other suites, which its compiling and testing would slow down.
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'bench',
          include: ['test/bench/**/*.test.ts'],
          // After every other project: the bench loads the machine (a build, HTTP and SSE load)
          // and would skew the timing-sensitive tests it ran beside.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

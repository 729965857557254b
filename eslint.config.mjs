import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', '.next-bench/**', '.next-e2e-dev/**', 'node_modules/**', '.data/**', 'drizzle/**', 'next-env.d.ts', 'test-results/**'] },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // A cycle makes module initialisation order matter: one side reads the
      // other's exports before they exist. disableScc: the precomputed-graph
      // mode costs over a minute per run here; the plain walk costs seconds.
      'import/no-cycle': ['error', { ignoreExternal: true, disableScc: true }],
    },
  },
  {
    // Scripts and tests talk to a terminal.
    files: ['scripts/**', 'test/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The UI reaches the server only through tRPC and server actions.
    files: ['src/app/**', 'src/components/**', 'src/trpc/react.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['~/server/db*', '~/server/redis*'], message: 'Read data through tRPC, not the database.' }] },
      ],
    },
  },
  {
    // Machinery knows no feature: features plug into it, so a new feature
    // never has to edit the kernel, and the kernel can be read on its own.
    files: ['src/server/{api,commands,events,projectors,db,realtime,redis}/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(~/server/|(\\.\\./)+)modules(/|$)',
              message: 'Machinery must not import a feature module; let the feature register itself with the machinery instead.',
            },
            {
              regex: '^(~/server/|(\\.\\./)+)app(/|$)',
              message: 'Machinery must not import the composition root (src/server/app); the root passes what machinery needs in.',
            },
          ],
        },
      ],
    },
  },
);

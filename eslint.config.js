// Lint: type-aware rules (a forgotten await is an error) and the workflow sandbox's rules.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `${m}/*`, `node:${m}`, `node:${m}/*`]);

/** What workflow code may never import: Node, I/O, and our own modules that do I/O. */
const workflowForbidden = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins. Do it in an activity.' })),
  patterns: [
    {
      group: [
        'postgres',
        'drizzle-orm',
        'drizzle-orm/*',
        '@electric-sql/*',
        'hono',
        'hono/*',
        '@hono/*',
        'json-rules-engine',
        'zod',
        'date-holidays',
        'canonicalize',
        '@temporalio/client',
        '@temporalio/worker',
        '@temporalio/activity',
        '@temporalio/testing',
        '**/activities/*',
        '**/db/*',
        '**/api/*',
        '**/services/*',
        '**/runtime/*',
        '**/rules/*',
        '**/domain/*',
        '**/config.js',
      ],
      allowTypeImports: true,
      message: 'Workflow code imports only @temporalio/workflow, @temporalio/common, src/shared.ts and types: everything with a side effect is an activity.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'src/db/migrations/**', 'test-results/**', 'eslint.config.js', 'src/web/static/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/shared.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowForbidden] },
  },
  {
    // Tests poke at JSON bodies whose shape the assertions check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

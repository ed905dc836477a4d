import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.genflow/', 'test/replay/histories/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // bootstrap/ is the composition root: it builds the services and hands them down as deps.
    // Only the process entry points may import it (tests too, to start what a process starts);
    // anything else importing it would reach past the deps it was given.
    files: ['**/*.ts'],
    ignores: ['bootstrap/**', 'api/main.ts', 'workers/main.ts', 'cli/**', 'test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['./bootstrap/*', '../bootstrap/*', '../../bootstrap/*', '../../../bootstrap/*'], message: 'only process entry points (api/main.ts, workers/main.ts, cli/) import bootstrap/; take what you need as a dependency' },
          ],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: only domain/ and types. domain/
    // is bundled into that sandbox too, so it is held to the same rule.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../activities/*', '../providers/*', '../db/*', '../media/*', '../api/*', '../views/*', '../workers/*', '../runtime/*', '../bootstrap/*', '../cli/*'], allowTypeImports: true, message: 'workflows and domain/ import only domain/ and (activity) types' },
            { group: ['node:*', 'pg', 'kysely', 'express', 'sharp', '@aws-sdk/*', 'pino'], message: 'workflows and domain/ must not import Node modules or server libraries' },
          ],
        },
      ],
    },
  },
  {
    // media/ is used by providers/ (input images) and activities/ (storing outputs): it may not
    // import them back, or the two would depend on each other.
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../providers/*', '../../providers/*', '../activities/*', '../../activities/*', '../api/*', '../../api/*', '../workers/*', '../../workers/*', '../bootstrap/*', '../../bootstrap/*'], message: 'media/ is below providers/, activities/ and api/: shared types live in media/ or domain/' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    // Typed mocks implement async interfaces without awaiting anything.
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // The admin page's browser script (served as is, no build step).
    files: ['api/admin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', location: 'readonly', fetch: 'readonly', alert: 'readonly', confirm: 'readonly', Node: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', encodeURIComponent: 'readonly' },
    },
  },
  {
    // Plain-JS worker threads of the benches (run without a TypeScript loader).
    files: ['bench/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { performance: 'readonly', fetch: 'readonly' },
    },
  },
);

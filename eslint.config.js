import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importBoundaries } from './lint/import-boundaries.js';

/**
 * Which part may import which (docs/develop.md, "Import boundaries"): the shared library imports no part that uses it,
 * production code never imports the embedded default, no function imports another, and the remote
 * watcher and the watch machinery are reached only through their index.ts.
 */
const BOUNDARIES = {
  root: import.meta.dirname,
  forbidden: [
    { from: 'shared/', to: ['functions/', 'sources/', 'local/'] },
    { from: 'functions/', to: ['local/'] },
    { from: 'sources/', to: ['functions/', 'local/'] },
    { from: 'local/pipeline-runner/', to: ['sources/'] },
  ],
  isolated: ['functions/'],
  entryOnly: ['sources/remote-source/', 'shared/watch/'],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['warn', 15],
      'max-depth': ['warn', 4],
      'max-params': ['warn', 5],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { house: { rules: { 'import-boundaries': importBoundaries } } },
    rules: { 'house/import-boundaries': ['error', BOUNDARIES] },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);

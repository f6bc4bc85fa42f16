// ESLint 9 flat config: typescript-eslint with type information for the TypeScript sources and tests.
// Formatting is Prettier's job (`npm run lint` runs both); these rules are about behaviour.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', 'src/types/**', 'examples/**', 'test/fixtures/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its failure: the runner and the CLI must see every one.
      '@typescript-eslint/no-floating-promises': 'error',
      // Every switch over a union handles each member (and ends in unreachable()), so a new member is a type error.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async method that does not await still implements a Promise-returning interface (executor
      // preflights), and its throw becomes a rejection, which is what callers handle.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests: tap tracks the promise of every top-level t.test() itself; callbacks are async by convention;
    // and tests parse JSON output (any) to assert on it, where the no-unsafe-* rules only add casts.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafePromises: [{ from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' }] }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Output columns are matched as printed: /  FAILED a/ reads like the line it matches, / {2}FAILED a/ does not.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    // The dashboard page's script runs in the browser.
    files: ['web/**/*.js'],
    languageOptions: { globals: { document: 'readonly', location: 'readonly', fetch: 'readonly', EventSource: 'readonly', URLSearchParams: 'readonly' } },
  },
);

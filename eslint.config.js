import tseslint from 'typescript-eslint'

// The architecture, enforced: the middle imports no edge, and only the
// composition root picks adapters.
const edges = ['**/gateway/**', '**/services/**', '**/dashboard/**', '**/simulators/**']

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-results/**', 'dashboard/public/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: edges, message: 'core/ imports no edge.' }] }] },
  },
  {
    files: ['gateway/**/*.ts', 'dashboard/**/*.ts', 'simulators/**/*.ts', 'services/**/*.ts'],
    ignores: ['services/platform.ts', 'services/main.ts', 'services/compose/**', '**/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/test/**'],
              message: 'Only the composition root (services/platform.ts, services/compose/) picks adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line tools and the test runner talk to a person on the terminal.
    files: ['test/run.ts', 'test/bench/**', 'simulators/cli.ts', 'test/setup/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['dashboard/public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', io: 'readonly' } },
  },
)

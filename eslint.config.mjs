import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Each folder of src/ is entered through its index.ts alone: from outside the folder,
    // `../<folder>/<file>.js` (or `./<folder>/<file>.js` from src/) is refused.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\.?/(?:\\.\\./)*[a-z-]+/(?!index\\.js$)[^/]+$',
              message: "Import another folder through its index.js, the folder's only door.",
            },
          ],
        },
      ],
    },
  },
  {
    // Scripts, benchmarks and tests talk to a terminal; the action logs through @actions/core, and
    // the CLI writes to the streams it is given.
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
)

import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/*
 * The house's rules for src/: each folder is entered through its index.ts alone, and imports run
 * one way — front ends → pipeline → stages, each stage using only the stages before it, and
 * everything using the shared rooms, which use no stage but config (for its Diagnostic type).
 */
const STAGES = [
  'config',
  'recipe',
  'environment',
  'build-cache',
  'abuild',
  'verify',
  'publish',
  'deploy',
]
const FRONT = ['bin', 'action', 'cli', 'pipeline']
const SHARED = [
  'settings',
  'report',
  'github',
  'shell',
  'signing',
  'container',
  'ownership',
  'apk',
  'sbom',
  'remote',
]

// A new folder gets its place here, or lint stops: an unplaced folder would have no rule at all.
const placed = new Set([...STAGES, ...FRONT, ...SHARED, 'types'])
const unplaced = readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !placed.has(entry.name))
  .map((entry) => `src/${entry.name}/`)
if (unplaced.length)
  throw new Error(`eslint.config.mjs: place ${unplaced.join(', ')} among STAGES, FRONT or SHARED`)

const door = {
  regex: '^\\.\\.?/(?:\\.\\./)*[a-z-]+/(?!index\\.js$)[^/]+$',
  message: "Import another folder through its index.js, the folder's only door.",
}

/** The rule for one folder: the door, and no import of the folders named. */
function folderRule(folder, refused, why) {
  const patterns = [door]
  if (refused.length) patterns.push({ regex: `^\\.\\./(?:${refused.join('|')})/`, message: why })
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  }
}

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
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [door] }] },
  },
  ...FRONT.map((folder) => folderRule(folder, [], '')),
  ...STAGES.map((stage, i) =>
    folderRule(
      stage,
      [...STAGES.slice(i + 1), ...FRONT],
      `${stage}/ is stage ${i + 1} of the pipeline: it may use earlier stages and the shared rooms, never a later stage or a front end.`,
    ),
  ),
  ...SHARED.map((room) =>
    folderRule(
      room,
      [...STAGES.filter((s) => s !== 'config'), ...FRONT],
      `${room}/ is a shared room: every stage uses it, so it uses no stage (config's types aside) and no front end.`,
    ),
  ),
  {
    // Scripts, benchmarks and tests talk to a terminal; the action logs through @actions/core, and
    // the CLI writes to the streams it is given.
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
)

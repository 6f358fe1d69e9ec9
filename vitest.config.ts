import { availableParallelism } from 'node:os'
import { configDefaults, defineConfig } from 'vitest/config'
import { NEEDS_SHARED, SHARED, sharedMissing } from './test/helpers/shared.js'

// A clone without ../shared runs what it can and says what it left out and why.
const leftOut = sharedMissing() ? NEEDS_SHARED : []
if (leftOut.length)
  process.stderr.write(
    `pakman tests: ${SHARED} is missing, so these need it and are left out: ${leftOut.join(', ')}\n`,
  )

// `npm run test:fast` (PAKMAN_TESTS=fast): everything but test/docker/, which holds every test that
// needs a Docker daemon. `npm test` runs them all, as CI does.
const fast = process.env.PAKMAN_TESTS === 'fast'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...leftOut, ...(fast ? ['test/docker/**'] : [])],
    // Builds dist/ before the run, gives it a TMPDIR of its own, checks nothing is left behind.
    globalSetup: ['test/setup/global.ts'],
    // vitest's default is one worker fewer than the CPUs: one on a 2-CPU machine. Without Docker
    // the tests mostly wait on the processes they start, so the quick loop runs one per CPU.
    ...(fast ? { maxWorkers: Math.max(2, availableParallelism()) } : {}),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})

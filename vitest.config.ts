import { configDefaults, defineConfig } from 'vitest/config'
import { NEEDS_SHARED, SHARED, sharedMissing } from './test/helpers/shared.js'

// A clone without ../shared runs what it can and says what it left out and why.
const leftOut = sharedMissing() ? NEEDS_SHARED : []
if (leftOut.length)
  process.stderr.write(
    `pakman tests: ${SHARED} is missing, so these need it and are left out: ${leftOut.join(', ')}\n`,
  )

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...leftOut],
    // Builds dist/ before the run, gives it a TMPDIR of its own, checks nothing is left behind.
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})

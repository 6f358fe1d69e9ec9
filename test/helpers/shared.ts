import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** ../shared beside the checkout: Alpine rootfs tarballs, the instellar.yml corpus, APK vectors. */
export const SHARED = resolve(fileURLToPath(import.meta.url), '../../../../shared')

/**
 * Test files that cannot run at all without ../shared (they read its corpus, vectors or the
 * aarch64 rootfs). On a clone without it they are left out, with a line saying so; where
 * PAKMAN_SHARED_REQUIRED is set (.ci/run, whose machine always has it) they run, and fail. Files
 * that read it only in part decide for themselves.
 */
export const NEEDS_SHARED = [
  'test/apk-vectors.test.ts',
  'test/config-corpus.test.ts',
  'test/config-fuzz.test.ts',
  'test/recipe-golden.test.ts',
  'test/config-history.test.ts',
  'test/publish-merge.test.ts',
  'test/publish-s3.test.ts',
  'test/publish-site.test.ts',
  'test/publish-pages.test.ts',
  'test/docker/emulated.test.ts',
  'test/docker/environment.test.ts',
  'test/docker/hosts.test.ts',
  'test/docker/openrc.test.ts',
  'test/docker/publish-s3.test.ts',
  'test/docker/pages.test.ts',
]

/** True when the tests that need ../shared should be left out rather than fail. */
export function sharedMissing(env: NodeJS.ProcessEnv = process.env): boolean {
  return !existsSync(SHARED) && !env.PAKMAN_SHARED_REQUIRED
}

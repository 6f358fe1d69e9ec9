import { readBunLock } from './bun.js'
import { readCargoLock } from './cargo.js'
import { readComposerLock } from './composer.js'
import { readGemfileLock } from './gem.js'
import { readGoSum } from './go.js'
import { readMixLock } from './mix.js'
import { readPackageLock } from './npm.js'
import { readPnpmLock } from './pnpm.js'
import { readPipfileLock, readPoetryLock, readRequirements, readUvLock } from './python.js'
import { LockfileError, type LockfileReader } from './types.js'
import { readYarnLock } from './yarn.js'

/*
 * Every lockfile PAKman knows, by file name, and its reader: the one list both the SBOM and the
 * build cache's key are made from.
 */

const BY_NAME = new Map<string, LockfileReader>([
  ['package-lock.json', readPackageLock],
  ['npm-shrinkwrap.json', readPackageLock],
  ['yarn.lock', readYarnLock],
  ['pnpm-lock.yaml', readPnpmLock],
  ['bun.lock', readBunLock],
  ['bun.lockb', readBinaryBunLock],
  ['Gemfile.lock', readGemfileLock],
  ['mix.lock', readMixLock],
  ['go.sum', readGoSum],
  ['Cargo.lock', readCargoLock],
  ['poetry.lock', readPoetryLock],
  ['Pipfile.lock', readPipfileLock],
  ['uv.lock', readUvLock],
  ['composer.lock', readComposerLock],
])

const REQUIREMENTS = /^requirements.*\.txt$/

export function readerFor(fileName: string): LockfileReader | undefined {
  return BY_NAME.get(fileName) ?? (REQUIREMENTS.test(fileName) ? readRequirements : undefined)
}

export function isLockfile(fileName: string): boolean {
  return readerFor(fileName) !== undefined
}

/** Still a lockfile for the build cache's key, whose content changes with its dependencies. */
function readBinaryBunLock(): never {
  throw new LockfileError(
    "bun.lockb is bun's binary lockfile, which PAKman does not read; bun 1.2 and later write the text bun.lock (bun install --save-text-lockfile)",
  )
}

/*
 * Stage 5, verify: nothing leaves a job unless every package and index verifies against the
 * run's key, and (for a build) the main package installs in a clean container of the base image.
 */

import { relative } from 'node:path'
import { checkPaths, trustedKeys } from '../apk/index.js'
import type { ContainerContext } from '../container/index.js'
import { runInstallTest } from './install-test.js'

export { installTestScript } from './install-test.js'

export interface SigningPublicKey {
  /** The key's name, as the packages' signatures refer to it: NAME.rsa.pub. */
  name: string
  pem: string
}

/**
 * Checks every package and index under `dir` against `key` alone; throws listing each that fails
 * (paths relative to `dir`), headed by `failure` ("the packages do not verify").
 */
export async function verifyRepository(
  dir: string,
  key: SigningPublicKey,
  failure: string,
  log?: (line: string) => void,
): Promise<number> {
  const checks = await checkPaths([dir], trustedKeys([[`${key.name}.rsa.pub`, key.pem]]))
  for (const check of checks) log?.(`${relative(dir, check.path)}: ${check.verdict}`)
  const failed = checks.filter((c) => c.verdict !== 'OK')
  if (failed.length) {
    const lines = failed.map((c) => `${relative(dir, c.path)}: ${c.verdict} - ${c.reason}`)
    throw new Error(`${failure}:\n${lines.join('\n')}`)
  }
  return checks.length
}

/** A file abuild wrote, as the install test looks for the main package among them. */
export interface WrittenFile {
  kind: 'package' | 'index'
  name?: string
  version?: string
  /** <repo>/<arch>/<file>, relative to the packages directory. */
  relativePath: string
}

export interface BuildVerification {
  packagesDir: string
  key: SigningPublicKey
  files: readonly WrittenFile[]
  /** The package the install test installs (its subpackages come along as dependencies). */
  mainPackage: string
  /** Where the install test runs: a clean container of this image (the stack's base image). */
  installTestImage?: string
  containers: ContainerContext
}

/** Seconds each part of the verify phase took (signatures, install test). */
export type VerifySteps = { name: string; seconds: number }[]

/** The verify phase of a build: signatures and indexes, then the install test when asked for. */
export async function verifyBuild(verification: BuildVerification): Promise<VerifySteps> {
  const { packagesDir, key, containers } = verification
  const steps: VerifySteps = []
  await timed(steps, 'signatures', () =>
    verifyRepository(packagesDir, key, 'the packages do not verify', containers.log),
  )
  if (!verification.installTestImage) return steps
  const main = verification.files.find(
    (f) => f.kind === 'package' && f.name === verification.mainPackage,
  )
  if (!main)
    throw new Error(`no package named ${verification.mainPackage} among the files abuild wrote`)
  await timed(steps, 'install test', () =>
    runInstallTest({
      ...containers,
      image: verification.installTestImage!,
      packagesDir,
      repository: main.relativePath.split('/')[0]!,
      packageSpec: `${main.name}=${main.version}`,
      keyName: key.name,
      publicKeyPem: key.pem,
    }),
  )
  return steps
}

async function timed<T>(steps: VerifySteps, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await fn()
  steps.push({ name, seconds: Math.round((performance.now() - started) / 10) / 100 })
  return result
}

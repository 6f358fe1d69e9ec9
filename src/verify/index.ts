/*
 * Stage 6, verify: nothing leaves a job unless every package and index verifies against the
 * run's key, and (for a build) the main package installs in a clean container of the base image.
 */

import { readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { BuiltFile } from '../abuild/index.js'
import { checkPaths, readIndex, trustedKeys, type PackageObserver } from '../apk/index.js'
import type { ContainerContext } from '../container/index.js'
import { secondsSince, type Timed } from '../report/index.js'
import { publicKeyFileName, type SignatureChoice } from '../signing/index.js'
import type { PendingInstallTest } from './install-test.js'
import { PackageSboms } from './sbom.js'
import { checkSignatureChoice, type SigningPublicKey } from './signatures.js'

export type { SigningPublicKey }

export {
  installTestScript,
  startInstallTest,
  type InstallTestSetup,
  type PendingInstallTest,
} from './install-test.js'

/**
 * Checks every package and index under `dir` against `key` alone; throws listing each that fails
 * (paths relative to `dir`), headed by `failure` ("the packages do not verify"). Resolves to the
 * SHA-256 of each file, by its path relative to `dir`, from the same read.
 */
export async function verifyRepository(
  dir: string,
  key: SigningPublicKey,
  failure: string,
  options: RepositoryChecks = {},
): Promise<Map<string, string>> {
  const { log, observe, signature = 'rsa' } = options
  const checks = await checkPaths(
    [dir],
    trustedKeys([[publicKeyFileName(key.name), key.pem]]),
    observe,
  )
  const digests = new Map<string, string>()
  for (const check of checks) {
    const path = relative(dir, check.path)
    if (check.sha256) digests.set(path, check.sha256)
    log?.(`${path}: ${check.verdict}${check.sha256 ? ` sha256:${check.sha256}` : ''}`)
  }
  const failed = checks.filter((c) => c.verdict !== 'OK')
  const lines = failed.map((c) => `${relative(dir, c.path)}: ${c.verdict} - ${c.reason}`)
  // What apk accepted must also carry the signatures asked for.
  const accepted = checks.filter((c) => c.verdict === 'OK').map((c) => c.path)
  lines.push(...(await checkSignatureChoice(dir, accepted, key, signature)))
  if (lines.length) throw new Error(`${failure}:\n${lines.join('\n')}`)
  return digests
}

export interface RepositoryChecks {
  log?: (line: string) => void
  /** Who else reads each package's files in the same pass (the SBOM check). */
  observe?: PackageObserver
  /** The signatures every package and index must carry (default rsa: apk's rule alone). */
  signature?: SignatureChoice
}

/** A file abuild wrote, as the install test looks for the main package among them. */
export interface WrittenFile {
  kind: 'package' | 'index' | 'sbom'
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
  /** The install test, started during abuild (startInstallTest): a clean container of the
   *  stack's base image waiting to be told the main package. */
  installTest?: PendingInstallTest
  containers: ContainerContext
  /** Every package holds an SBOM that names its files; a copy of each goes beside it. */
  sbom: boolean
  /** The signatures the packages and indexes must carry. */
  signature: SignatureChoice
}

/** Seconds each part of the verify phase took (signatures, install test). */
export type VerifySteps = Timed[]

export interface BuildVerified {
  steps: VerifySteps
  /** The SBOMs written beside the packages (none without sbom). */
  sboms: BuiltFile[]
  /** The SHA-256 of every package and index, by path relative to packagesDir, as verified. */
  digests: ReadonlyMap<string, string>
}

/**
 * The verify phase of a build: signatures and indexes, and the install test when asked for, side
 * by side (they read the same files and neither changes them); the build fails if either does,
 * with the signatures' failure first when both do. The install test's lines follow the
 * signatures' in the log, and are not shown at all when the signatures fail.
 */
export async function verifyBuild(verification: BuildVerification): Promise<BuildVerified> {
  const { packagesDir, key, containers, installTest } = verification
  const steps: VerifySteps = []
  const sboms = verification.sbom ? new PackageSboms() : undefined
  const main = verification.files.find(
    (f) => f.kind === 'package' && f.name === verification.mainPackage,
  )
  // The install test's lines wait until the signatures' are out.
  const held: string[] = []
  let installLog: (line: string) => void = (line) => held.push(line)
  const installed =
    installTest &&
    timed(steps, 'install test', async () => {
      if (!main)
        throw new Error(`no package named ${verification.mainPackage} among the files abuild wrote`)
      const repository = main.relativePath.split('/')[0]!
      await installTest.install(
        repository,
        `${main.name}=${main.version}`,
        (line) => installLog(line),
        await installedSize(packagesDir, verification.files, main),
      )
    })
  // Settled below in either case; a failure of its own is reported after the signatures'.
  installed?.catch(() => undefined)
  const verified = await timed(steps, 'signatures', async () => {
    const digests = await verifyRepository(packagesDir, key, 'the packages do not verify', {
      log: containers.log,
      ...(sboms && { observe: sboms.observe }),
      signature: verification.signature,
    })
    return { digests, sboms: sboms ? await sboms.writeBeside(packagesDir) : [] }
  }).catch(async (error: unknown) => {
    await installed?.catch(() => undefined)
    throw error
  })
  installLog = containers.log
  for (const line of held.splice(0)) installLog(line)
  await installed
  return { steps, ...verified }
}

async function timed<T>(steps: VerifySteps, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await fn()
  steps.push({ name, seconds: secondsSince(started) })
  return result
}

/** The main package's installed size, from the index beside it; undefined when it cannot tell. */
async function installedSize(
  packagesDir: string,
  files: readonly WrittenFile[],
  main: WrittenFile,
): Promise<number | undefined> {
  const dir = dirname(main.relativePath)
  const index = files.find((f) => f.kind === 'index' && dirname(f.relativePath) === dir)
  if (!index) return undefined
  try {
    const entries = readIndex(await readFile(join(packagesDir, index.relativePath))).entries
    const entry = entries.find((e) => e.name === main.name && e.version === main.version)
    const size = Number(entry?.fields.find(([letter]) => letter === 'I')?.[1])
    return Number.isFinite(size) ? size : undefined
  } catch {
    return undefined // verifying the index says what is wrong with it
  }
}

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mergeRepositories, type Built } from '../../src/publish/index.js'
import { recordingReporter } from './reporter.js'
import { SHARED } from './shared.js'

export const VECTORS = join(SHARED, 'vectors/apk')
/** The key the vectors' packages are signed with (../shared/vectors/apk/keys). */
export const VECTOR_KEY_NAME = 'pakman-test@example.invalid-6b08b41c'

/** The private key (PEM) that signed the vectors' packages. */
export function vectorSigningKey(): string {
  return readFileSync(join(VECTORS, 'keys', `${VECTOR_KEY_NAME}.rsa`), 'utf8')
}

/**
 * A build job's output, as publish gets it: the vectors' packages (paths under
 * ../shared/vectors/apk) under <repo>/<arch>/ in a new directory under `root`, as abuild lays them
 * out, and the vectors' public key beside them.
 */
export function vectorJob(
  root: string,
  stack: string,
  arch: string,
  packages: string[],
  repo = 'acme',
): Built {
  const dir = mkdtempSync(join(root, 'job-'))
  mkdirSync(join(dir, `${repo}/${arch}`), { recursive: true })
  const files = packages.map((p) => {
    const target = join(dir, `${repo}/${arch}`, p.split('/').at(-1)!)
    copyFileSync(join(VECTORS, p), target)
    return { relativePath: `${repo}/${arch}/${p.split('/').at(-1)}`, path: target }
  })
  writeFileSync(
    join(dir, `${VECTOR_KEY_NAME}.rsa.pub`),
    readFileSync(join(VECTORS, 'keys', `${VECTOR_KEY_NAME}.rsa.pub`)),
  )
  return {
    packageName: 'hello-app',
    version: '1.0.3',
    release: 17,
    stack,
    arch,
    keyName: VECTOR_KEY_NAME,
    signature: 'rsa',
    packagesDir: dir,
    publicKeyFile: join(dir, `${VECTOR_KEY_NAME}.rsa.pub`),
    files,
  }
}

/**
 * A merge's output made from the vectors' acme packages (real, signed with the vectors' key):
 * alpine/3.20/acme/x86_64/ with the chosen packages and an index signed here, the key at the top.
 */
export async function mergedVectorRepository(
  temp: (prefix: string) => string,
  packages = ['hello-app-1.0.3-r17.apk', 'hello-app-openrc-1.0.3-r17.apk'],
): Promise<string> {
  const artifact = temp('pakman-vector-artifact-')
  mkdirSync(join(artifact, 'acme/x86_64'), { recursive: true })
  for (const name of packages)
    copyFileSync(join(VECTORS, 'good/acme/x86_64', name), join(artifact, 'acme/x86_64', name))
  writeFileSync(
    join(artifact, 'pakman.json'),
    JSON.stringify({
      package: 'hello-app',
      version: '1.0.3',
      release: 17,
      stack: 'alpine/3.20',
      arch: 'x86_64',
      keyName: VECTOR_KEY_NAME,
    }),
  )
  const dir = temp('pakman-vector-repository-')
  await mergeRepositories([artifact], {
    outputDir: dir,
    signingKey: vectorSigningKey(),
    mtime: 1_700_000_000,
    reporter: recordingReporter(),
  })
  return dir
}

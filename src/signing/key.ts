import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
} from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { handOver, type Owner } from '../ownership/index.js'

/*
 * Signing keys: for abuild, which signs the packages inside the container, and for merge, which signs
 * the indexes here. The private key is only ever a file: mode 0600 in a directory of its
 * own, mounted read-only into the build container, and deleted afterwards. It never goes into an
 * environment variable, an image, a cache entry, an artifact or a log.
 */

export interface KeyInput {
  /** PEM RSA private key (PKCS#1 or PKCS#8). Undefined: a throwaway key is made for this run. */
  privateKey?: string
  /** PEM public key that must match the private key (the original's ABUILD_PUBLIC_KEY). */
  publicKey?: string
  /** Key name: the files are <name>.rsa and <name>.rsa.pub, and signatures refer to the latter. */
  name: string
  /** `name` is the default, not one asked for: a throwaway key then gets a name of its own. */
  nameIsDefault?: boolean
}

export interface SigningKey {
  name: string
  /** Directory holding only <name>.rsa (0600) and <name>.rsa.pub (0644). */
  dir: string
  privateKeyFile: string
  publicKeyFile: string
  publicKeyPem: string
  /** True when no key was given and one was generated for this run. */
  ephemeral: boolean
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9@._+-]*$/

export class KeyError extends Error {
  override name = 'KeyError'
}

/** A PEM key is a few KiB; a larger file is something else, and is not read. */
const MAX_KEY_FILE_BYTES = 64 * 1024

/**
 * A key file's text: a regular file of a key's size, else a KeyError saying what `label` (a path,
 * or the option that named it) is and what was `expected` there.
 */
export async function readKeyFile(file: string, label: string, expected: string): Promise<string> {
  const info = await stat(file).catch(() => undefined)
  const problem = !info
    ? 'missing'
    : !info.isFile()
      ? 'not a file'
      : info.size > MAX_KEY_FILE_BYTES
        ? `${info.size} bytes, too large for a key`
        : undefined
  if (problem) throw new KeyError(`${label} is ${problem}: expected ${expected}`)
  return readFile(file, 'utf8')
}

/** The secret strings a log must never show: the PEM and each of its lines. */
export function secretsOf(privateKeyPem: string): string[] {
  const lines = privateKeyPem.split(/\r?\n/).filter((l) => l.length >= 16 && !l.startsWith('-----'))
  return [privateKeyPem.trim(), ...lines]
}

/** Checks the key, derives the public key and writes both into a new directory under `parent`. */
export async function prepareSigningKey(
  input: KeyInput,
  parent: string,
  /** The build user, who reads the files through a read-only mount. */
  owner?: Owner,
): Promise<SigningKey> {
  checkKeyName(input.name)
  const ephemeral = !input.privateKey?.trim()
  const privateKey = ephemeral ? await generateKey() : readPrivateKey(input.privateKey!)
  const publicKeyPem = publicKeyOf(privateKey)
  if (input.publicKey?.trim()) {
    let given: string
    try {
      given = createPublicKey(input.publicKey.trim())
        .export({ type: 'spki', format: 'pem' })
        .toString()
    } catch {
      throw new KeyError('the public key given is not a PEM public key')
    }
    if (given !== publicKeyPem) {
      throw new KeyError(
        'the public key given does not belong to the signing key; packages signed with it would not verify',
      )
    }
  }

  const name =
    ephemeral && input.nameIsDefault ? throwawayKeyName(input.name, publicKeyPem) : input.name

  const dir = await mkdtemp(join(parent, 'pakman-key-'))
  await chmod(dir, 0o700)
  const privateKeyFile = join(dir, `${name}.rsa`)
  const publicKeyFile = join(dir, publicKeyFileName(name))
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  await writeFile(privateKeyFile, privatePem, { mode: 0o600 })
  await writeFile(publicKeyFile, publicKeyPem, { mode: 0o644 })
  await chmod(privateKeyFile, 0o600)
  await chmod(publicKeyFile, 0o644)
  // The build user reads the files through the mount.
  if (owner) for (const path of [dir, privateKeyFile, publicKeyFile]) await handOver(path, owner)
  return { name, dir, privateKeyFile, publicKeyFile, publicKeyPem, ephemeral }
}

export async function removeSigningKey(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/**
 * A throwaway key's name says so, and differs per key: each run makes a new key, and a host that
 * trusted one run's <owner>-<repo>.rsa.pub would refuse the next run's packages with no hint why.
 * The suffix is the first 8 hex digits of the SHA-256 of the public key (DER), so the name can be
 * checked against the .rsa.pub file itself.
 */
function throwawayKeyName(base: string, publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })
  return `${base}-throwaway-${createHash('sha256').update(der).digest('hex').slice(0, 8)}`
}

/**
 * apk knows a public key by its file name, <name>.rsa.pub, in /etc/apk/keys and in every signature
 * made with the key; this suffix is what makes a file one.
 */
const PUBLIC_KEY_SUFFIX = '.rsa.pub'

/** The file the public key named `name` is written to, trusted from, and signed as. */
export function publicKeyFileName(name: string): string {
  return `${name}${PUBLIC_KEY_SUFFIX}`
}

/** Whether a file name is a public key's, as apk names them. */
export function isPublicKeyFile(fileName: string): boolean {
  return fileName.endsWith(PUBLIC_KEY_SUFFIX)
}

/** Key names become file names (<name>.rsa.pub) and signature names: no paths, no surprises. */
export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new KeyError(
      `signing key name ${JSON.stringify(name)} may hold letters, digits and @ . _ + - only`,
    )
  }
}

/** The PEM (SPKI) public key that belongs to a private key. */
export function publicKeyOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
}

/** The signing key as given (PEM, \n escapes allowed), checked to be an RSA private key. */
export function readPrivateKey(pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(pem.replace(/\\n/g, '\n').trim())
  } catch {
    throw new KeyError(
      'the signing key is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)',
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyError(
      `the signing key is ${key.asymmetricKeyType ?? 'not RSA'}; abuild signs with RSA keys only`,
    )
  }
  return key
}

async function generateKey(): Promise<KeyObject> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 4096 })
  return privateKey
}

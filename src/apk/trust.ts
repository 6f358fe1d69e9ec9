import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { TrustedKeys } from './verify.js'

/** A key file that cannot be trusted as given; the message names the file and what was expected. */
export class TrustError extends Error {
  override name = 'TrustError'
}

/**
 * Public key files as apk trusts them (/etc/apk/keys/<name>.rsa.pub): the file name is the name
 * signatures refer to. A private key is refused with a hint rather than silently turned into its
 * public half, so a key never travels where only public keys belong; anything else that is not a
 * PEM public key is refused naming the file.
 */
export async function loadTrustedKeys(files: readonly string[]): Promise<TrustedKeys> {
  const keys = new Map<string, KeyObject>()
  for (const file of files) {
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) {
      throw new TrustError(
        `${file} is ${info ? 'not a file' : 'missing'}: expected a public key file NAME.rsa.pub`,
      )
    }
    if (info.size > 64 * 1024)
      throw new TrustError(`${file} is ${info.size} bytes: too large for a PEM public key`)
    const pem = await readFile(file, 'utf8')
    keys.set(basename(file), publicKeyOf(file, pem))
  }
  return keys
}

function publicKeyOf(file: string, pem: string): KeyObject {
  if (/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    let privateKey = true
    try {
      createPrivateKey(pem)
    } catch {
      privateKey = /ENCRYPTED/.test(pem)
    }
    if (privateKey) {
      throw new TrustError(
        `${file} is a private key: give the public key (NAME.rsa.pub, e.g. from openssl pkey -pubout), named as the packages' signatures name it`,
      )
    }
  }
  try {
    return createPublicKey(pem)
  } catch {
    throw new TrustError(`${file} is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)`)
  }
}

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { basename } from 'node:path'
import type { TrustedKeys } from '../apk/index.js'
import { KeyError, readKeyFile } from './key.js'

/**
 * Public key files as apk trusts them (/etc/apk/keys/<name>.rsa.pub): the file name is the name
 * signatures refer to. A private key is refused with a hint rather than silently turned into its
 * public half, so a key never travels where only public keys belong; anything else that is not a
 * PEM public key is refused naming the file. Every refusal is a KeyError, as readKeyFile's are.
 */
export async function loadTrustedKeys(files: readonly string[]): Promise<TrustedKeys> {
  const keys = new Map<string, KeyObject>()
  for (const file of files) {
    const pem = await readKeyFile(file, file, 'a public key file NAME.rsa.pub')
    keys.set(basename(file), trustedPublicKey(file, pem))
  }
  return keys
}

function trustedPublicKey(file: string, pem: string): KeyObject {
  if (/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    let privateKey = true
    try {
      createPrivateKey(pem)
    } catch {
      privateKey = /ENCRYPTED/.test(pem)
    }
    if (privateKey) {
      throw new KeyError(
        `${file} is a private key: give the public key (NAME.rsa.pub, e.g. from openssl pkey -pubout), named as the packages' signatures name it`,
      )
    }
  }
  try {
    return createPublicKey(pem)
  } catch {
    throw new KeyError(`${file} is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)`)
  }
}

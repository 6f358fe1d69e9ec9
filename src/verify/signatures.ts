import { relative } from 'node:path'
import {
  checkSignatures,
  MAX_CONTROL_BYTES,
  MAX_INDEX_BYTES,
  readHead,
  trustedKeys,
} from '../apk/index.js'
import {
  publicKeyFileName,
  signatureEntryName,
  signatureTypes,
  type SignatureChoice,
} from '../signing/index.js'

export interface SigningPublicKey {
  /** The key's name, as the packages' signatures refer to it: NAME.rsa.pub. */
  name: string
  pem: string
}

/**
 * PAKman's own output carries the signatures it was asked for, not merely one apk accepts: each
 * package and index exactly the choice's entries by the run's key, in its order (RSA256 first),
 * and every one of them verifying, so an apk that checks the other one accepts it too. `rsa` is
 * what abuild writes and is left to the apk rule alone.
 */
export async function checkSignatureChoice(
  dir: string,
  paths: readonly string[],
  key: SigningPublicKey,
  choice: SignatureChoice,
): Promise<string[]> {
  if (choice === 'rsa') return []
  const keyFile = publicKeyFileName(key.name)
  const trusted = trustedKeys([[keyFile, key.pem]])
  const wanted = signatureTypes(choice).map((type) => signatureEntryName(type, keyFile))
  const problems: string[] = []
  for (const path of paths) {
    const index = path.endsWith('APKINDEX.tar.gz')
    const head = await readHead(path, index ? MAX_INDEX_BYTES : MAX_CONTROL_BYTES)
    const found = head.signatures.map((s) => s.entry)
    const name = relative(dir, path)
    if (found.join() !== wanted.join()) {
      problems.push(
        `${name}: signed ${found.join(', ') || 'not at all'}; signature ${choice} wants ${wanted.join(', ')}`,
      )
      continue
    }
    for (const signature of head.signatures) {
      const verdict = checkSignatures([signature], head.signed, trusted)
      if (verdict.verdict !== 'OK') problems.push(`${name}: ${verdict.verdict} - ${verdict.reason}`)
    }
  }
  return problems
}

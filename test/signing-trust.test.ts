import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeyError, loadTrustedKeys } from '../src/signing/index.js'
import { scratchDirs } from './helpers/scratch.js'

const dir = scratchDirs().temp('pakman-trust-')
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}

describe('keys given to pakman verify', () => {
  it('trusts a public key under its file name', async () => {
    const file = write(
      'ops-1.rsa.pub',
      pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    )
    const keys = await loadTrustedKeys([file])
    expect([...keys.keys()]).toEqual(['ops-1.rsa.pub'])
  })

  it('refuses a private key with a hint, never using it', async () => {
    const file = write(
      'ops-1.rsa',
      pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    )
    await expect(loadTrustedKeys([file])).rejects.toThrow(
      `${file} is a private key: give the public key (NAME.rsa.pub`,
    )
    await expect(loadTrustedKeys([file])).rejects.toThrow(KeyError)
  })

  it('names a file that is not a key, missing or a directory', async () => {
    const notes = write('notes.txt', 'hello\n')
    await expect(loadTrustedKeys([notes])).rejects.toThrow(
      `${notes} is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)`,
    )
    // One error class for every refusal, whichever step refused.
    await expect(loadTrustedKeys([notes])).rejects.toThrow(KeyError)
    await expect(loadTrustedKeys([join(dir, 'nope.pub')])).rejects.toThrow(
      `${join(dir, 'nope.pub')} is missing: expected a public key file NAME.rsa.pub`,
    )
    await expect(loadTrustedKeys([dir])).rejects.toThrow(`${dir} is not a file`)
    // A file far larger than any PEM key is not read at all.
    const large = write('large.rsa.pub', 'x'.repeat(70 * 1024))
    await expect(loadTrustedKeys([large])).rejects.toThrow(
      `${large} is ${70 * 1024} bytes, too large for a key: expected a public key file NAME.rsa.pub`,
    )
  })
})

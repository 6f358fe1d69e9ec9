import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { KeyError, prepareSigningKey, removeSigningKey, secretsOf } from '../src/signing/index.js'

const parent = mkdtempSync(join(tmpdir(), 'pakman-keys-test-'))
afterAll(() => rmSync(parent, { recursive: true, force: true }))
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()

describe('signing keys', () => {
  it('writes <name>.rsa (0600) and the derived <name>.rsa.pub in a directory of their own', async () => {
    const key = await prepareSigningKey({ name: 'octo-app', privateKey: pkcs1 }, parent)
    expect(readdirSync(key.dir).sort()).toEqual(['octo-app.rsa', 'octo-app.rsa.pub'])
    expect(statSync(key.privateKeyFile).mode & 0o777).toBe(0o600)
    expect(statSync(key.dir).mode & 0o777).toBe(0o700)
    expect(readFileSync(key.publicKeyFile, 'utf8')).toBe(publicPem)
    expect(key.ephemeral).toBe(false)
    await removeSigningKey(key.dir)
    expect(() => statSync(key.dir)).toThrow(/ENOENT/)
  })

  it('accepts a key whose newlines were flattened to \\n in a secret', async () => {
    const key = await prepareSigningKey(
      { name: 'k', privateKey: pkcs1.replace(/\n/g, '\\n') },
      parent,
    )
    expect(key.publicKeyPem).toBe(publicPem)
  })

  it('accepts the matching public key and refuses another', async () => {
    await expect(
      prepareSigningKey({ name: 'k', privateKey: pkcs1, publicKey: publicPem }, parent),
    ).resolves.toMatchObject({ name: 'k' })
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    await expect(
      prepareSigningKey({ name: 'k', privateKey: pkcs1, publicKey: other }, parent),
    ).rejects.toThrow(
      'the public key given does not belong to the signing key; packages signed with it would not verify',
    )
  })

  it('makes a throwaway key when none is given', async () => {
    const key = await prepareSigningKey({ name: 'tmp' }, parent)
    expect(key.ephemeral).toBe(true)
    expect(readFileSync(key.privateKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
  })

  it('names a throwaway key as one, after its own public key, unless the name was asked for', async () => {
    const made = await Promise.all(
      [1, 2].map(() => prepareSigningKey({ name: 'octo-app', nameIsDefault: true }, parent)),
    )
    for (const key of made) {
      // The fingerprint as the README tells a host to work it out from the .rsa.pub file.
      const fingerprint = execFileSync(
        'sh',
        [
          '-c',
          'openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -c1-8',
          'sh',
          key.publicKeyFile,
        ],
        { encoding: 'utf8' },
      ).trim()
      expect(key.name).toBe(`octo-app-throwaway-${fingerprint}`)
      expect(readdirSync(key.dir).sort()).toEqual([`${key.name}.rsa`, `${key.name}.rsa.pub`])
    }
    expect(made[0]!.name).not.toBe(made[1]!.name)
    // a given key keeps the default name; a name asked for is kept for a throwaway key too
    const given = { name: 'octo-app', nameIsDefault: true, privateKey: pkcs1 }
    expect((await prepareSigningKey(given, parent)).name).toBe('octo-app')
    expect((await prepareSigningKey({ name: 'ops' }, parent)).name).toBe('ops')
  })

  it.each([
    ['not a key', 'hello', 'the signing key is not a PEM private key'],
    [
      'an EC key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      'the signing key is ec; abuild signs with RSA keys only',
    ],
  ])('refuses %s', async (_what, privateKey, message) => {
    await expect(prepareSigningKey({ name: 'k', privateKey }, parent)).rejects.toThrow(KeyError)
    await expect(prepareSigningKey({ name: 'k', privateKey }, parent)).rejects.toThrow(message)
  })

  it('refuses a key name that is not a file name', async () => {
    await expect(
      prepareSigningKey({ name: '../etc/x', privateKey: pkcs1 }, parent),
    ).rejects.toThrow(/may hold letters, digits/)
  })

  it('lists the PEM and each body line as secrets to mask', () => {
    const secrets = secretsOf(pkcs1)
    expect(secrets[0]).toBe(pkcs1.trim())
    expect(secrets.length).toBe(pkcs1.trim().split('\n').length - 2 + 1)
  })
})

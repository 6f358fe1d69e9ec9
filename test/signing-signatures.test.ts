import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkPaths,
  readHead,
  readIndex,
  readPackage,
  trustedKeys,
  verifyIndex,
  verifyPackage,
} from '../src/apk/index.js'
import {
  parseSignatureChoice,
  resignFiles,
  signatureTypes,
  type SignatureChoice,
} from '../src/signing/index.js'
import { recordingReporter } from './helpers/reporter.js'
import { scratchDirs } from './helpers/scratch.js'
import {
  OTHER_KEY,
  PAKMAN_KEY,
  VECTORS,
  vectorKey,
  vectorPrivateKey,
  withSignatures,
} from './helpers/signatures.js'

/*
 * The signature choice and re-signing, on the real vectors: rsa256 and both replace the signature
 * members at the head of each package and index and keep every byte after them; the index is
 * rewritten with the packages' new sizes and nothing else.
 */
const { temp } = scratchDirs()
const trustPakman = trustedKeys([[PAKMAN_KEY, vectorKey(PAKMAN_KEY)]])
const trustOther = trustedKeys([[OTHER_KEY, vectorKey(OTHER_KEY)]])
const NOTES = readFileSync(join(VECTORS, 'good/noarch/x86_64/vector-notes-1.0-r0.apk'))

describe('the signature choice', () => {
  it('takes rsa, rsa256 and both, and writes RSA256 before RSA', () => {
    expect(parseSignatureChoice('rsa', 'signature')).toBe('rsa')
    expect(parseSignatureChoice(' RSA256 ', 'signature')).toBe('rsa256')
    expect(signatureTypes('rsa')).toEqual(['RSA'])
    expect(signatureTypes('rsa256')).toEqual(['RSA256'])
    expect(signatureTypes(parseSignatureChoice('both', 'signature'))).toEqual(['RSA256', 'RSA'])
  })

  it('refuses anything else, naming the input or flag and the choices', () => {
    expect(() => parseSignatureChoice('sha256', 'the signature input')).toThrow(
      /^the signature input is "sha256": expected one of rsa, rsa256, both/,
    )
    expect(() => parseSignatureChoice('', '--signature')).toThrow(/^--signature is ""/)
  })
})

describe("apk's rule on several signatures", () => {
  const rsa = (good = true) => ({ type: 'RSA', keyFile: PAKMAN_KEY, good })
  const rsa256 = (good = true) => ({ type: 'RSA256', keyFile: PAKMAN_KEY, good })

  it('checks only the first trusted signature of a known type, in either order', () => {
    for (const [signatures, verdict] of [
      [[rsa256(), rsa()], 'OK'],
      [[rsa(), rsa256()], 'OK'],
      [[rsa256(), rsa(false)], 'OK'],
      [[rsa256(false), rsa()], 'BAD_SIGNATURE'],
      [[rsa(false), rsa256()], 'BAD_SIGNATURE'],
      [[{ type: 'RSA', keyFile: OTHER_KEY, good: false }, rsa256()], 'OK'],
    ] as const) {
      const names = signatures.map((s) => `${s.type}${s.good ? '' : '(bad)'}`).join(' ')
      expect({
        names,
        verdict: verifyPackage(withSignatures(NOTES, signatures), trustPakman).verdict,
      }).toEqual({
        names,
        verdict,
      })
    }
  })

  it('skips types apk does not check (ED25519, DSA), as apk 2.14.4 does', () => {
    const unknownFirst = withSignatures(NOTES, [
      { type: 'ED25519', keyFile: PAKMAN_KEY, good: false },
      rsa(),
    ])
    expect(verifyPackage(unknownFirst, trustPakman)).toMatchObject({
      verdict: 'OK',
      signedBy: PAKMAN_KEY,
    })
    // Real apk 2.14.4: `.SIGN.DSA.<trusted key>` holding an RSA/SHA-1 signature gives UNTRUSTED.
    const dsaOnly = withSignatures(NOTES, [{ type: 'DSA', keyFile: PAKMAN_KEY, good: true }])
    expect(verifyPackage(dsaOnly, trustPakman)).toMatchObject({
      verdict: 'UNTRUSTED',
      reason: `no signature of a type apk checks; skipped, of a type apk does not check: .SIGN.DSA.${PAKMAN_KEY}`,
    })
  })

  it('reads signatures spread over several members, as abuild-sign run twice leaves them', () => {
    const good = withSignatures(NOTES, [rsa256(), rsa()], 'a member each')
    expect(readPackage(good).members).toHaveLength(4)
    expect(verifyPackage(good, trustPakman).verdict).toBe('OK')
    const badFirst = withSignatures(NOTES, [rsa256(false), rsa()], 'a member each')
    expect(verifyPackage(badFirst, trustPakman).verdict).toBe('BAD_SIGNATURE')
    expect(verifyPackage(good, trustOther).verdict).toBe('UNTRUSTED')
  })
})

/** A copy of a vector repository directory, re-signed with pakman-test's key as `choice` says. */
async function resignedCopy(repo: string, choice: Exclude<SignatureChoice, 'rsa'>) {
  const dir = join(temp('pakman-resign-'), 'x86_64')
  cpSync(join(VECTORS, repo, 'x86_64'), dir, { recursive: true })
  const names = readdirSync(dir).sort()
  const files = names.map((name) => ({
    path: join(dir, name),
    kind: name === 'APKINDEX.tar.gz' ? 'index' : 'package',
    size: statSync(join(dir, name)).size,
  }))
  const reporter = recordingReporter()
  const resigned = await resignFiles({
    files,
    key: vectorPrivateKey(PAKMAN_KEY),
    keyFile: PAKMAN_KEY,
    choice,
    reporter,
  })
  return { dir, names, resigned, lines: reporter.lines }
}

describe('re-signing', () => {
  it.each(['rsa256', 'both'] as const)(
    '%s: every package keeps its bytes after the signatures, its identity and datahash; the repository verifies',
    async (choice) => {
      const { dir, names, resigned, lines } = await resignedCopy('good/manual', choice)
      const wanted = signatureTypes(choice).map((t) => `.SIGN.${t}.${PAKMAN_KEY}`)
      // Signing is deterministic (mtime fixed): a file whose every signature is good is rebuilt
      // byte for byte by signing its signed member again, each type in turn.
      const everySignatureGood = signatureTypes(choice).map((type) => ({
        type,
        keyFile: PAKMAN_KEY,
        good: true,
      }))
      for (const name of names.filter((n) => n.endsWith('.apk'))) {
        const before = readFileSync(join(VECTORS, 'good/manual/x86_64', name))
        const after = readFileSync(join(dir, name))
        const [old, now] = [readPackage(before), readPackage(after)]
        expect(now.signatures.map((s) => s.entry)).toEqual(wanted)
        // everything from the control member on is the same bytes
        const rest = (pkg: typeof old, bytes: Buffer) => bytes.subarray(pkg.members[1]!.offset)
        expect(rest(now, after).equals(rest(old, before)), name).toBe(true)
        expect(now.identity).toBe(old.identity)
        expect(now.pkginfo).toEqual(old.pkginfo)
        expect(verifyPackage(after, trustPakman)).toMatchObject({ verdict: 'OK' })
        expect(verifyPackage(after, trustOther).verdict).toBe('UNTRUSTED')
        // every signature written is checked, not only the first, the one apk checks
        expect(withSignatures(after, everySignatureGood).equals(after), name).toBe(true)
        const head = await readHead(join(dir, name))
        expect(head.signatureMtime).toBe(1735689600)
      }
      // the index: the same entries but S:, which is each file's new size, and signed the same way
      const oldIndex = readIndex(readFileSync(join(VECTORS, 'good/manual/x86_64/APKINDEX.tar.gz')))
      const newIndexBytes = readFileSync(join(dir, 'APKINDEX.tar.gz'))
      const newIndex = readIndex(newIndexBytes)
      expect(newIndex.signatures.map((s) => s.entry)).toEqual(wanted)
      expect(verifyIndex(newIndexBytes, trustPakman).verdict).toBe('OK')
      expect(withSignatures(newIndexBytes, everySignatureGood).equals(newIndexBytes)).toBe(true)
      expect(newIndex.description).toBe(oldIndex.description)
      expect(newIndex.mtime).toBe(oldIndex.mtime)
      const withoutSize = (e: (typeof oldIndex.entries)[number]) =>
        e.fields.filter(([l]) => l !== 'S')
      expect(newIndex.entries.map(withoutSize)).toEqual(oldIndex.entries.map(withoutSize))
      for (const entry of newIndex.entries)
        expect(entry.size).toBe(statSync(join(dir, `${entry.name}-${entry.version}.apk`)).size)
      const sizes = newIndex.entries.map((e) => e.size)
      expect(sizes).not.toEqual(oldIndex.entries.map((e) => e.size))
      // the whole directory as pakman verify sees it: every file OK, the index matching them
      const checks = await checkPaths([dir], trustPakman)
      expect(checks.map((c) => `${c.verdict} ${c.reason}`)).toEqual(
        names.map(() => 'OK signature verified'),
      )
      expect(lines).toHaveLength(names.length)
      // the files come back as given, with the sizes they have now
      expect(resigned.map((f) => [f.path, f.size])).toEqual(
        names.map((n) => [join(dir, n), statSync(join(dir, n)).size]),
      )
    },
  )

  it('writes the signature tar abuild-sign -t RSA256 wrote, and changes nothing in the index text but S:', async () => {
    // rsa256-demo is signed RSA256 already (abuild-sign 3.14.0): re-signing rsa256 gives back its
    // signature tar byte for byte; only the deflate bytes are zlib's rather than gzip's.
    const { dir } = await resignedCopy('good/rsa256', 'rsa256')
    const name = 'rsa256-demo-0.3.1-r1.apk'
    const [old, now] = [join(VECTORS, 'good/rsa256/x86_64', name), join(dir, name)].map((f) =>
      readPackage(readFileSync(f)),
    )
    expect(now!.members[0]!.content.equals(old!.members[0]!.content)).toBe(true)
    expect(now!.members[0]!.raw.subarray(0, 10)).toEqual(old!.members[0]!.raw.subarray(0, 10))
    const oldIndex = readIndex(readFileSync(join(VECTORS, 'good/rsa256/x86_64/APKINDEX.tar.gz')))
    const newIndex = readIndex(readFileSync(join(dir, 'APKINDEX.tar.gz')))
    // The index member was rewritten for the new size (zlib's deflate is not gzip's): its
    // signature differs, the signature tar's header does not.
    const header = (index: typeof oldIndex) =>
      Buffer.from(index.members[0]!.content.subarray(0, 512))
    expect(header(newIndex)).toEqual(header(oldIndex))
    expect(newIndex.members[0]!.content).toHaveLength(1024)
    const apkindex = (index: typeof oldIndex) =>
      index.members[index.signedMember]!.content.toString('latin1').match(
        /C:Q1[^]*?\n\n(?=\0)/,
      )?.[0]
    const size = statSync(join(dir, name)).size
    expect(apkindex(newIndex)).toBe(apkindex(oldIndex)!.replace(/^S:\d+$/m, `S:${size}`))
  })

  it('re-signs only what the run key signed, saying which file and why', async () => {
    const dir = temp('pakman-resign-')
    const path = join(dir, 'signed-by-other-key.apk')
    writeFileSync(path, readFileSync(join(VECTORS, 'bad/signed-by-other-key.apk')))
    const before = readFileSync(path)
    await expect(
      resignFiles({
        files: [{ path, kind: 'package', size: before.length }],
        key: vectorPrivateKey(PAKMAN_KEY),
        keyFile: PAKMAN_KEY,
        choice: 'both',
        reporter: recordingReporter(),
      }),
    ).rejects.toThrow(
      `${path}: UNTRUSTED with ${PAKMAN_KEY} (signed by ${OTHER_KEY}, which is not trusted); only what abuild signed with this run's key is re-signed`,
    )
    expect(readFileSync(path)).toEqual(before)
    expect(readdirSync(dir)).toEqual(['signed-by-other-key.apk'])
  })
})

import fc from 'fast-check'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  checkPackageFile,
  readIndex,
  readPackage,
  trustedKeys,
  verifyIndex,
  verifyPackage,
  verifyPackageStream,
  type Verdict,
} from '../src/apk/verify.js'
import { SHARED } from './helpers/corpus.js'
import { verdictsPackage } from './helpers/signatures.js'

/*
 * The APK reader against packages and indexes made by the real abuild and apk-tools, and their
 * tampered copies: every verdict must be the one apk-tools gave (../shared/vectors/apk/expect).
 */
const VECTORS = join(SHARED, 'vectors/apk')
const PAKMAN_KEY = 'pakman-test@example.invalid-6b08b41c.rsa.pub'
const OTHER_KEY = 'other-test@example.invalid-6b08b420.rsa.pub'
const key = (name: string) => readFileSync(join(VECTORS, 'keys', name), 'utf8')
const trustPakman = trustedKeys([[PAKMAN_KEY, key(PAKMAN_KEY)]])
const trustOther = trustedKeys([[OTHER_KEY, key(OTHER_KEY)]])
const trustNothing = trustedKeys([])

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

const vectors = [...files(join(VECTORS, 'good')), ...files(join(VECTORS, 'bad'))]
  .filter((f) => f.endsWith('.apk') || f.endsWith('APKINDEX.tar.gz'))
  .map((path) => {
    const rel = relative(VECTORS, path)
    const expect = JSON.parse(readFileSync(join(VECTORS, 'expect', `${rel}.json`), 'utf8'))
    return { path, rel, expect }
  })

/** apk-tools' verdict with pakman-test trusted, read from the expect file. */
function expectedVerdict(e: {
  vector: string
  bad?: { apk_verify_with_pakman_test_trusted: { verdict_class: string } }
  apk_verify: Record<string, { stdout: string }>
}): Verdict {
  if (e.bad) return e.bad.apk_verify_with_pakman_test_trusted.verdict_class as Verdict
  const stdout = e.apk_verify.trust_pakman_test!.stdout
  return stdout.includes('0 - OK')
    ? 'OK'
    : (stdout.match(/- (\w[\w ]*)$/m)?.[1]?.replace(/ /g, '_') as Verdict)
}

/** Packages whose streams apk-tools read whole: identity, .PKGINFO and listing are known. */
const complete = vectors.filter(
  (v) =>
    v.rel.endsWith('.apk') &&
    v.expect.identity &&
    v.expect.streams.every((s: { complete: boolean }) => s.complete),
)

const verify = (rel: string, bytes: Buffer, keys: ReturnType<typeof trustedKeys>) =>
  rel.endsWith('.apk') ? verifyPackage(bytes, keys) : verifyIndex(bytes, keys)

const tally = { good: 0, bad: 0, agree: 0 }

describe('APK v2 vectors', () => {
  it('covers every vector', () => {
    expect(vectors.length).toBe(
      readdirSync(join(VECTORS, 'expect'), { recursive: true }).filter((f) =>
        String(f).endsWith('.json'),
      ).length,
    )
  })

  it.each(vectors.map((v) => [v.rel, v] as const))("%s gets apk-tools' verdict", (_rel, v) => {
    const bytes = readFileSync(v.path)
    const wanted = expectedVerdict(v.expect)
    const got = verify(v.rel, bytes, trustPakman)
    expect(`${got.verdict} (${got.reason})`).toMatch(new RegExp(`^${wanted} `))
    tally[v.expect.vector === 'good' ? 'good' : 'bad']++
    tally.agree++
    if (wanted === 'OK') {
      expect(verify(v.rel, bytes, trustNothing).verdict).toBe('UNTRUSTED')
      expect(verify(v.rel, bytes, trustOther).verdict).toBe('UNTRUSTED')
    }
  })

  it.each(complete.map((v) => [v.rel, v] as const))(
    '%s: identity, .PKGINFO and datahash as abuild wrote them',
    (_rel, v) => {
      const pkg = readPackage(readFileSync(v.path))
      expect(pkg.identity).toBe(v.expect.identity.apk_checksum_Q1)
      expect(pkg.pkginfo).toEqual(v.expect.pkginfo.pairs)
      const members = v.expect.streams.map((s: { offset: number; length: number }) => [
        s.offset,
        s.length,
      ])
      expect(pkg.members.map((m) => [m.offset, m.raw.length])).toEqual(members)
      const data = v.expect.streams.find((s: { role: string }) => s.role === 'data')
      if (data?.complete) {
        const paths = data.entries.map((e: { path: string }) => e.path)
        expect(pkg.data.map((e) => e.path)).toEqual(paths)
        for (const entry of data.entries as {
          path: string
          apk_checksum_sha1: string | null
          link_target: string | null
        }[]) {
          const mine = pkg.data.find((e) => e.path === entry.path)!
          expect(mine.pax['APK-TOOLS.checksum.SHA1'] ?? null).toBe(entry.apk_checksum_sha1)
          if (entry.link_target) expect(mine.linkTarget).toBe(entry.link_target)
        }
      }
    },
  )

  it.each(
    vectors
      .filter((v) => v.rel.endsWith('APKINDEX.tar.gz') && v.expect.apkindex)
      .map((v) => [v.rel, v] as const),
  )('%s: entries as apk index wrote them', (_rel, v) => {
    const index = readIndex(readFileSync(v.path))
    expect(index.description).toBe(v.expect.description_file)
    expect(index.entries.map((e) => e.fields)).toEqual(
      v.expect.apkindex.entries.map((e: { fields: unknown }) => e.fields),
    )
  })
})

describe('the streaming pass on the vectors', () => {
  /** The file as a stream of pieces of `size` bytes, so members and headers straddle pieces. */
  const pieces = (bytes: Buffer, size: number) =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
        bytes.subarray(i * size, (i + 1) * size),
      ),
    )

  it.each(vectors.filter((v) => v.rel.endsWith('.apk')).map((v) => [v.rel, v] as const))(
    "%s: apk-tools' verdict, read from the file and in pieces of 1, 13 and 512 bytes",
    async (_rel, v) => {
      const bytes = readFileSync(v.path)
      const wanted = expectedVerdict(v.expect)
      const whole = verifyPackage(bytes, trustPakman)
      const fromFile = await checkPackageFile(v.path, trustPakman)
      expect(`${fromFile.verdict} (${fromFile.reason})`).toMatch(new RegExp(`^${wanted} `))
      expect(fromFile).toMatchObject({ ...whole, size: bytes.length })
      // One-byte pieces cost a zlib round trip per byte: only on the small files.
      for (const size of bytes.length < 8192 ? [1, 13, 512] : [13, 512]) {
        const streamed = await verifyPackageStream(pieces(bytes, size), trustPakman)
        expect({ size, verdict: streamed.verdict, reason: streamed.reason }).toEqual({
          size,
          verdict: whole.verdict,
          reason: whole.reason,
        })
      }
      if (wanted === 'OK') {
        expect((await checkPackageFile(v.path, trustNothing)).verdict).toBe('UNTRUSTED')
        expect((await checkPackageFile(v.path, trustOther)).verdict).toBe('UNTRUSTED')
      }
    },
  )

  it('gives the in-memory verdict for any cut into pieces and any changed byte', async () => {
    // The two gzip readers (whole Buffer, stream) against each other, on damaged files too.
    const small = vectors
      .filter((v) => v.rel.endsWith('.apk'))
      .map((v) => readFileSync(v.path))
      .filter((b) => b.length < 8192)
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: small.length - 1 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
        async (which, cuts, change) => {
          const bytes = Buffer.from(small[which]!)
          if (change) {
            const i = change[0] % bytes.length
            bytes[i] = bytes[i]! ^ change[1]
          }
          const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b)
          const parts = [0, ...at].map((start, i) =>
            bytes.subarray(start, [...at, bytes.length][i]),
          )
          const streamed = await verifyPackageStream(Readable.from(parts), trustPakman)
          const whole = verifyPackage(bytes, trustPakman)
          expect({ verdict: streamed.verdict, reason: streamed.reason }).toEqual({
            verdict: whole.verdict,
            reason: whole.reason,
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it.each(complete.map((v) => [v.rel, v] as const))(
    '%s: identity, .PKGINFO and listing from the same pass',
    async (_rel, v) => {
      const listed: string[] = []
      const checked = await checkPackageFile(v.path, trustPakman, {
        onEntry: (entry) => listed.push(entry.path),
      })
      // The verdict is apk-tools', so the condition below rests on it, not on the pass alone.
      expect(checked.verdict).toBe(expectedVerdict(v.expect))
      expect(checked.identity).toBe(v.expect.identity.apk_checksum_Q1)
      expect(checked.pkginfo).toEqual(v.expect.pkginfo.pairs)
      const data = v.expect.streams.find((s: { role: string }) => s.role === 'data')
      // A signature that fails (or none trusted) ends the pass before the data is touched.
      const signatureFailed =
        checked.verdict === 'UNTRUSTED' || / signature by .* does not match$/.test(checked.reason)
      expect(listed).toEqual(
        signatureFailed ? [] : data.entries.map((e: { path: string }) => e.path),
      )
    },
  )
})

/** A table of VERDICTS-apk3.md: its rows' cells, under the heading that starts with `heading`. */
function verdictsTable(heading: string): string[][] {
  const text = readFileSync(join(VECTORS, 'VERDICTS-apk3.md'), 'utf8')
  const section = text.slice(text.indexOf(`\n## ${heading}`) + 1).split('\n## ')[0]!
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    )
}

/** Accepted (exit 0) in a cell such as `0 - OK` (0) or `BAD signature` (1). */
const accepted = (cell: string) => / \(0\)$/.test(cell)

describe('pakman verify against apk-tools 2.14.4, 3.0.3 and 3.0.6 (VERDICTS-apk3.md)', () => {
  const files = verdictsTable('`apk verify`, pakman-test trusted')
  const several = verdictsTable('Several signatures in one package')

  it('reads both tables whole', () => {
    expect(files).toHaveLength(vectors.length)
    expect(several.map((row) => row[0])).toContain('`unknown-type-then-rsa-ok.apk`')
    expect(several.length).toBeGreaterThanOrEqual(9)
  })

  it.each(files.map((row) => [row[0]!.replace(/`/g, ''), row] as const))(
    '%s: accepted exactly when every apk accepts it',
    (rel, row) => {
      const apks = row.slice(1).map(accepted)
      expect(new Set(apks).size, 'the apk versions agree').toBe(1)
      const got = verify(rel, readFileSync(join(VECTORS, rel)), trustPakman)
      expect({ rel, accepted: got.verdict === 'OK', reason: got.reason }).toMatchObject({
        accepted: apks[0],
      })
    },
  )

  it.each(several.map((row) => [row[0]!.replace(/`/g, ''), row] as const))(
    '%s: the first signature of a known type by a trusted key decides, as in apk',
    (name, row) => {
      // 2.14.4, 3.0.3, 3.0.6; the last column is an older pakman verify's, not apk's.
      const apks = row.slice(1, 4).map(accepted)
      expect(new Set(apks).size, 'the apk versions agree').toBe(1)
      const bytes = verdictsPackage(name)
      const got = verifyPackage(bytes, trustPakman)
      expect({ name, accepted: got.verdict === 'OK', reason: got.reason }).toMatchObject({
        accepted: apks[0],
      })
      expect(got.verdict).toBe(apks[0] ? 'OK' : 'BAD_SIGNATURE')
    },
  )
})

describe('tally', () => {
  it('prints the vector results', () => {
    console.log(
      `apk vectors: ${tally.agree} verdicts agree with apk-tools (${tally.good} good, ${tally.bad} bad)`,
    )
    expect(tally.agree).toBe(vectors.length)
  })
})

describe('our APKINDEX writer', () => {
  it('indexes the vector packages as apk index did, and signs so that the index verifies', async () => {
    const { createPrivateKey } = await import('node:crypto')
    const { indexMember, indexText } = await import('../src/apk/write.js')
    const { signMember } = await import('../src/signing/index.js')
    const dir = join(VECTORS, 'good/manual/x86_64')
    const packages = readdirSync(dir)
      .filter((f) => f.endsWith('.apk'))
      .map((f) => ({
        pkg: readPackage(readFileSync(join(dir, f))),
        fileSize: statSync(join(dir, f)).size,
      }))
    const real = readIndex(readFileSync(join(dir, 'APKINDEX.tar.gz')))
    const text = indexText(packages, 'x86_64')
    const byName = (entries: { name: string; fields: [string, string][] }[]) =>
      Object.fromEntries(
        entries.map((e) => [`${e.name}-${e.fields.find(([l]) => l === 'V')![1]}`, e.fields]),
      )
    const { parseIndexText } = await import('../src/apk/verify.js')
    expect(byName(parseIndexText(text))).toEqual(byName(real.entries))

    const privateKey = createPrivateKey(
      readFileSync(join(VECTORS, 'keys', PAKMAN_KEY.replace(/\.pub$/, '')), 'utf8'),
    )
    const signed = signMember(
      indexMember(text, 'vectors', 1735689600),
      privateKey,
      PAKMAN_KEY,
      1735689600,
    )
    expect(verifyIndex(signed, trustPakman)).toMatchObject({ verdict: 'OK', signedBy: PAKMAN_KEY })
    expect(verifyIndex(signed, trustOther).verdict).toBe('UNTRUSTED')
    const reread = readIndex(signed)
    expect(reread.description).toBe('vectors')
    expect(reread.entries.map((e) => e.fields)).toEqual(parseIndexText(text).map((e) => e.fields))
  })
})

import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { deflateRawSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  controlMember,
  generatedFiles,
  signatureMember,
  tarEntry,
  writeApk,
} from '../bench/apk-writer.js'
import {
  checkPackageFile,
  checkPaths,
  MAX_CONTROL_BYTES,
  MAX_INDEX_BYTES,
  readPackage,
  trustedKeys,
  verifyPackage,
  verifyPackageStream,
} from '../src/apk/index.js'
import { SHARED } from './helpers/corpus.js'
import { cleanEnv, runNode } from './helpers/run.js'
import { scratchDirs } from './helpers/scratch.js'

/*
 * The streaming verify: generated packages signed with throwaway keys, checked for bounded memory,
 * the inflation limit, and the signature being checked before any data is read.
 */
const { temp } = scratchDirs()
const MiB = 1024 * 1024
const KEY_NAME = 'stream-test@example.invalid-00000001.rsa.pub'
const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const trusted = trustedKeys([[KEY_NAME, publicPem]])

/** The first `count` generated files (directories and a symlink first). */
function* files(count: number, size: number) {
  let taken = 0
  for (const file of generatedFiles(size)) {
    if (file.content && taken++ === count) return
    yield file
  }
}

/** Signature and control members whose .PKGINFO claims `datahash`, signed by `signer`. */
function head(signer: KeyObject, datahash = '0'.repeat(64)): Buffer {
  const control = controlMember(`pkgname = head\npkgver = 1-r0\ndatahash = ${datahash}\n`)
  return Buffer.concat([signatureMember(control, signer, KEY_NAME), control])
}

/** A source of `prefix` and then zeros without end, counting what was pulled from it. */
function endless(prefix: Buffer): { source: Readable; pulled: () => number } {
  let pulled = 0
  const zeros = Buffer.alloc(64 * 1024)
  const source = new Readable({
    read() {
      const chunk = pulled === 0 ? prefix : zeros
      pulled += chunk.length
      this.push(chunk)
    },
  })
  return { source, pulled: () => pulled }
}

describe('a package verified in one streaming pass', () => {
  it('verifies, and gives the identity, .PKGINFO and listing readPackage gives', async () => {
    const path = join(temp('pakman-stream-'), 'small-1.0.0-r0.apk')
    await writeApk(path, files(6, 256 * 1024), { key: key.privateKey, keyName: KEY_NAME })
    const listed: string[] = []
    const checked = await checkPackageFile(path, trusted, {
      onEntry: (e) => listed.push(e.path),
    })
    expect(checked).toMatchObject({ verdict: 'OK', signedBy: KEY_NAME })
    const whole = readPackage(readFileSync(path))
    expect(checked.identity).toBe(whole.identity)
    expect(checked.pkginfo).toEqual(whole.pkginfo)
    expect(listed).toEqual(whole.data.map((e) => e.path))
    expect(listed).toContain('usr/bin/big-app')
    expect(listed.filter((p) => p.endsWith('.bin'))).toHaveLength(6)
    // The file's digest comes from the same read: what a publisher lists for it.
    expect(checked.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'))
  })

  it('gives no digest for a package it stopped reading, and every digest of a repository', async () => {
    const dir = temp('pakman-stream-digests-')
    const path = join(dir, 'app-1.0.0-r0.apk')
    // Large enough that the signature's verdict comes long before the end of the file.
    const large = { level: 1, stopAfter: 24 * MiB }
    const written = await writeApk(path, generatedFiles(4 * MiB), {
      key: other.privateKey,
      keyName: KEY_NAME,
      ...large,
    })
    expect(written.size).toBeGreaterThan(24 * MiB)
    const stopped = await checkPackageFile(path, trusted)
    expect(stopped.verdict).toBe('BAD_SIGNATURE')
    expect(stopped.sha256).toBeUndefined()
    await writeApk(path, generatedFiles(4 * MiB), {
      key: key.privateKey,
      keyName: KEY_NAME,
      ...large,
    })
    const [check] = await checkPaths([dir], trusted)
    expect(check).toMatchObject({
      verdict: 'OK',
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    })
  })

  it('finds a file whose SHA-1 is not the recorded one, and a data stream that is not the datahash', async () => {
    const entry = tarEntry({ path: 'a.txt', content: Buffer.from('hello\n') })
    // The same entry with other content of the same length: its pax SHA-1 no longer matches.
    const changed = Buffer.from(entry[3]!)
    changed.write('HELLO')
    const data = gzipSync(Buffer.concat([entry[0]!, entry[1]!, entry[2]!, changed]))
    const datahash = createHash('sha256').update(data).digest('hex')
    const stream = (bytes: Buffer) => verifyPackageStream(Readable.from([bytes]), trusted)
    const file = await stream(Buffer.concat([head(key.privateKey, datahash), data]))
    expect(file.verdict).toBe('BAD_SIGNATURE')
    expect(file.reason).toMatch(/^a\.txt: SHA-1 [0-9a-f]{40} is not the recorded [0-9a-f]{40}$/)
    const hash = await stream(Buffer.concat([head(key.privateKey), data]))
    expect(hash.verdict).toBe('BAD_SIGNATURE')
    expect(hash.reason).toBe(`data stream sha256 ${datahash} is not the datahash ${'0'.repeat(64)}`)
  })

  it('checks a signature over control and data as the data streams past, without datahash', async () => {
    const data = gzipSync(
      Buffer.concat([...tarEntry({ path: 'a.txt', content: Buffer.from('hello\n') })]),
    )
    const control = controlMember('pkgname = old\npkgver = 1-r0\n')
    const signature = (bytes: Buffer) => signatureMember(bytes, key.privateKey, KEY_NAME)
    const good = Buffer.concat([signature(Buffer.concat([control, data])), control, data])
    const stream = (bytes: Buffer) => verifyPackageStream(Readable.from([bytes]), trusted)
    expect(await stream(good)).toMatchObject({ verdict: 'OK', signedBy: KEY_NAME })
    // Signed over the control stream alone: the data is not covered, so it does not verify.
    const controlOnly = Buffer.concat([signature(control), control, data])
    expect((await stream(controlOnly)).verdict).toBe('BAD_SIGNATURE')
    expect(verifyPackage(controlOnly, trusted).verdict).toBe('BAD_SIGNATURE')
  })

  it('stays within bounded memory for a package of tens of MB', async () => {
    const dir = temp('pakman-stream-rss-')
    const keyFile = join(dir, KEY_NAME)
    writeFileSync(keyFile, publicPem)
    const small = join(dir, 'small-1.0.0-r0.apk')
    const big = join(dir, 'big-1.0.0-r0.apk')
    await writeApk(small, files(1, 64 * 1024), { key: key.privateKey, keyName: KEY_NAME })
    const written = await writeApk(big, generatedFiles(4 * MiB), {
      key: key.privateKey,
      keyName: KEY_NAME,
      level: 1,
      stopAfter: 64 * MiB,
    })
    expect(written.size).toBeGreaterThan(64 * MiB)
    // Peak RSS of `pakman verify` itself, reported by the child as it exits.
    const peak = async (apk: string) => {
      const ran = await runNode('dist/cli.js', ['verify', '--key', keyFile, apk], {
        env: cleanEnv({
          NODE_OPTIONS: `--import=data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss:'+process.resourceUsage().maxRSS+'\\n'))`,
        }),
      })
      expect(ran.stdout).toBe(`${apk}: OK\n`)
      return Number(/maxrss:(\d+)/.exec(ran.stderr)![1]) * 1024
    }
    const baseline = await peak(small)
    const grown = (await peak(big)) - baseline
    // Reading the package whole would hold at least its size and its inflated size at once; the
    // pass holds a few chunks, plus the garbage V8 lets pile up (about 64 MiB of external memory)
    // before it collects, the same at any size.
    expect(written.inflatedSize + written.size).toBeGreaterThan(150 * MiB)
    expect(grown).toBeLessThan(96 * MiB)
  }, 40_000)
})

describe('the inflation limit', () => {
  it('stops a package that inflates past it, with a clear verdict', async () => {
    const path = join(temp('pakman-stream-'), 'limit-1.0.0-r0.apk')
    await writeApk(path, files(8, 512 * 1024), { key: key.privateKey, keyName: KEY_NAME })
    expect((await checkPackageFile(path, trusted)).verdict).toBe('OK')
    const limited = await checkPackageFile(path, trusted, { maxInflatedBytes: 2 * MiB })
    expect(limited.verdict).toBe('TOO_LARGE')
    expect(limited.reason).toMatch(/2097152 bytes .*the most PAKman reads \(MAX_INFLATED_BYTES\)$/)
    expect(verifyPackage(readFileSync(path), trusted, { maxInflatedBytes: 2 * MiB }).verdict).toBe(
      'TOO_LARGE',
    )
  })

  it('refuses a tar header announcing more than the limit before reading its body', async () => {
    const entry = tarEntry({ path: 'huge.bin', content: Buffer.alloc(3 * MiB, 1) })
    // The header says 3 MiB, but only its first bytes follow: the header alone decides.
    const data = gzipSync(Buffer.concat([entry[0]!, entry[1]!, entry[2]!.subarray(0, 1024)]))
    const control = controlMember('pkgname = x\npkgver = 1-r0\n')
    const bytes = Buffer.concat([signatureMember(control, key.privateKey, KEY_NAME), control])
    const unsignedData = Buffer.concat([bytes, data])
    const result = verifyPackage(unsignedData, trusted, { maxInflatedBytes: 2 * MiB })
    expect(result.verdict).toBe('TOO_LARGE')
    expect(result.reason).toMatch(/^huge\.bin is 3145728 bytes/)
    // Under a larger limit the same file is only cut short.
    expect(verifyPackage(unsignedData, trusted).verdict).toBe('BAD_ARCHIVE')
  })

  it('bounds the control stream, kept whole until the signature is checked', async () => {
    const control = gzipSync(
      Buffer.concat(
        tarEntry({ path: '.PKGINFO', content: Buffer.alloc(MAX_CONTROL_BYTES + 1, 0x61) }),
      ),
    )
    const bytes = Buffer.concat([signatureMember(control, key.privateKey, KEY_NAME), control])
    const result = await verifyPackageStream(Readable.from([bytes]), trusted)
    expect(result.verdict).toBe('TOO_LARGE')
    expect(result.reason).toMatch(/control stream .*MAX_CONTROL_BYTES/)
  })

  it('does not read an index past MAX_INDEX_BYTES', async () => {
    const dir = temp('pakman-stream-index-')
    const index = join(dir, 'APKINDEX.tar.gz')
    writeFileSync(index, '')
    truncateSync(index, MAX_INDEX_BYTES + 1) // sparse: no disk, no memory
    const [check] = await checkPaths([index], trusted)
    expect(check).toMatchObject({ verdict: 'TOO_LARGE' })
    expect(check!.reason).toMatch(/MAX_INDEX_BYTES/)
  })
})

describe('the signature before the data', () => {
  const bomb = () => {
    // 64 MiB of zeros deflate to about 64 KiB: a data stream nobody should inflate unverified.
    const deflated = deflateRawSync(Buffer.alloc(64 * MiB))
    return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflated])
  }

  it('gives BAD_SIGNATURE for a wrong signature before inflating a bomb of a data stream', async () => {
    const bytes = Buffer.concat([head(other.privateKey), bomb()])
    const started = performance.now()
    const result = await verifyPackageStream(Readable.from([bytes]), trusted, {
      maxInflatedBytes: MiB,
    })
    // Inflating the data first would have hit the 1 MiB limit (TOO_LARGE).
    expect(result).toMatchObject({ verdict: 'BAD_SIGNATURE' })
    expect(result.reason).toMatch(/signature by .* does not match/)
    expect(verifyPackage(bytes, trusted, { maxInflatedBytes: MiB }).verdict).toBe('BAD_SIGNATURE')
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('stops reading at the signature verdict, however much data follows', async () => {
    for (const [signer, verdict] of [
      [other.privateKey, 'BAD_SIGNATURE'],
      [key.privateKey, 'UNTRUSTED'],
    ] as const) {
      const { source, pulled } = endless(head(signer))
      // An endless data stream: reading it would never end.
      const keys = verdict === 'UNTRUSTED' ? trustedKeys([]) : trusted
      const result = await verifyPackageStream(source, keys)
      expect(result.verdict).toBe(verdict)
      expect(pulled()).toBeLessThan(2 * MiB)
    }
  })

  it('gives the signature verdict for a corrupt data stream, as apk does', async () => {
    const bytes = Buffer.concat([head(other.privateKey), Buffer.from('not gzip at all')])
    expect((await verifyPackageStream(Readable.from([bytes]), trusted)).verdict).toBe(
      'BAD_SIGNATURE',
    )
    // With the right signature, the same data is what fails.
    const good = Buffer.concat([head(key.privateKey), Buffer.from('not gzip at all')])
    expect((await verifyPackageStream(Readable.from([good]), trusted)).verdict).toBe('BAD_ARCHIVE')
  })
})

describe('the listing against the index, from the same pass', () => {
  it('names a package whose identity and size differ from what the index lists', async () => {
    const vectors = join(SHARED, 'vectors/apk')
    const dir = join(temp('pakman-stream-listing-'), 'x86_64')
    mkdirSync(dir)
    const good = join(vectors, 'good/acme/x86_64')
    const pub = 'pakman-test@example.invalid-6b08b41c.rsa.pub'
    copyFileSync(join(good, 'APKINDEX.tar.gz'), join(dir, 'APKINDEX.tar.gz'))
    copyFileSync(join(good, 'hello-app-1.0.3-r17.apk'), join(dir, 'hello-app-1.0.3-r17.apk'))
    // Another good package under the name the index lists for hello-app-openrc.
    copyFileSync(
      join(vectors, 'good/noarch/x86_64/vector-notes-1.0-r0.apk'),
      join(dir, 'hello-app-openrc-1.0.3-r17.apk'),
    )
    const keys = trustedKeys([[pub, readFileSync(join(vectors, 'keys', pub), 'utf8')]])
    const failed = (await checkPaths([dir], keys)).filter((c) => c.verdict !== 'OK')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({
      path: join(dir, 'hello-app-openrc-1.0.3-r17.apk'),
      verdict: 'MISMATCH',
    })
    const own = await checkPackageFile(join(dir, 'hello-app-openrc-1.0.3-r17.apk'), keys)
    expect(failed[0]!.reason).toContain(`the file is C:${own.identity} S:${own.size}`)
  })
})

import { execFileSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { indexMember, indexText, readIndex, readPackageFile } from '../src/apk/index.js'
import { defaultPagesUrl, readRepository, writeSite } from '../src/publish/index.js'
import { signMember } from '../src/signing/index.js'
import { verifyRepository } from '../src/verify/index.js'
import {
  mergedVectorRepository,
  VECTORS,
  VECTOR_KEY_NAME,
  vectorSigningKey,
} from './helpers/vector-repository.js'

/*
 * The front page of a repository, written from the vectors' real indexes and packages (signed by
 * abuild with the pakman-test key): every package its index lists, with the index's facts and the
 * SHA-256 sha256sum gives, the install lines, every user-written value escaped, the same bytes on
 * every run; and what it refuses to describe.
 */
const KEY_FILE = `${VECTOR_KEY_NAME}.rsa.pub`
const URL = 'https://acme.github.io/hello-app/'
const root = mkdtempSync(join(tmpdir(), 'pakman-site-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A merged-shaped tree: alpine/3.20/acme/x86_64 (hello-app) and alpine/3.19/noarch/x86_64. */
function tree(key = KEY_FILE): string {
  const dir = mkdtempSync(join(root, 'repo-'))
  for (const [target, source] of [
    ['alpine/3.20/acme/x86_64', 'good/acme/x86_64'],
    ['alpine/3.19/noarch/x86_64', 'good/noarch/x86_64'],
  ] as const) {
    mkdirSync(join(dir, target), { recursive: true })
    execFileSync('cp', ['-r', `${join(VECTORS, source)}/.`, join(dir, target)])
  }
  copyFileSync(join(VECTORS, 'keys', key), join(dir, key))
  return dir
}

const sha256sum = (file: string) =>
  execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]

describe('the front page', () => {
  it('lists every package of every index with the facts the index and the file give', async () => {
    const dir = tree()
    const site = await writeSite(dir, { url: URL, title: 'acme/hello-app' })
    expect(site.files).toEqual([join(dir, 'index.html'), join(dir, 'README.md')])
    const page = readFileSync(join(dir, 'index.html'), 'utf8')
    const readme = readFileSync(join(dir, 'README.md'), 'utf8')
    let listed = 0
    for (const path of ['alpine/3.20/acme/x86_64', 'alpine/3.19/noarch/x86_64']) {
      const index = readIndex(readFileSync(join(dir, path, 'APKINDEX.tar.gz')))
      for (const entry of index.entries) {
        const field = (letter: string) => entry.fields.find(([l]) => l === letter)![1]
        const file = `${path}/${entry.name}-${entry.version}.apk`
        const sha = sha256sum(join(dir, file))
        const built = new Date(Number(field('t')) * 1000).toISOString().replace('.000', '')
        const row = page.slice(
          page.indexOf(`href="${file}"`),
          page.indexOf('</tr>', page.indexOf(`href="${file}"`)),
        )
        expect(row, file).toContain(`>${entry.name}</a>`)
        expect(row).toContain(`<span class="description">${field('T')}</span>`)
        expect(row).toContain(`class="version">${entry.version}</td>`)
        expect(row).toContain(`<data class="size" value="${entry.size}">`)
        expect(row).toContain(`datetime="${built}"`)
        expect(row).toContain(`class="sha">${sha}</td>`)
        expect(readme).toContain(`- ${entry.name} ${entry.version}: `)
        expect(readme).toContain(`  sha256 ${sha}\n`)
        listed++
      }
    }
    expect(listed).toBe(3)
    expect(page.match(/<tr class="package">/g)).toHaveLength(listed)

    // the two lines a user runs, as the page shows them (HTML-escaped) and the README (as text)
    const trust = `wget -O /etc/apk/keys/${KEY_FILE} ${URL}${KEY_FILE}`
    const add = `echo "${URL}alpine/3.20/acme" >> /etc/apk/repositories`
    expect(page).toContain(`<code class="trust">${trust}</code>`)
    expect(page).toContain(
      `<code class="add">${add.replace(/"/g, '&quot;').replace(/>/g, '&gt;')}\napk update\napk add hello-app</code>`,
    )
    expect(readme).toContain(`    ${trust}\n`)
    expect(readme).toContain(`    ${add}\n    apk update\n    apk add hello-app\n`)
    expect(readme).toContain(`    echo "${URL}alpine/3.19/noarch" >> /etc/apk/repositories\n`)
    // no script, and a policy that would refuse one
    expect(page).not.toMatch(/<script/i)
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
  })

  it('writes the same bytes every time, whatever the clock and the files’ dates say', async () => {
    const dir = tree()
    await writeSite(dir, { url: URL })
    const first = [readFileSync(join(dir, 'index.html')), readFileSync(join(dir, 'README.md'))]
    const apk = join(dir, 'alpine/3.20/acme/x86_64/hello-app-1.0.3-r17.apk')
    utimesSync(apk, new Date(), new Date())
    await writeSite(dir, { url: URL })
    expect(readFileSync(join(dir, 'index.html'))).toEqual(first[0])
    expect(readFileSync(join(dir, 'README.md'))).toEqual(first[1])
    // the page's date is the newest build time, 2025-01-01 for every vector
    expect(first[0]!.toString()).toContain(
      'the newest built <time datetime="2025-01-01T00:00:00Z">',
    )
  })

  it('escapes what package authors wrote: names, descriptions', async () => {
    // An index signed with the test key whose entries carry markup: a description with a script,
    // and a subpackage named with tags (its file exists under that name).
    const dir = mkdtempSync(join(root, 'hostile-'))
    const arch = join(dir, 'evil/x86_64')
    mkdirSync(arch, { recursive: true })
    copyFileSync(join(VECTORS, 'keys', KEY_FILE), join(dir, KEY_FILE))
    const source = join(VECTORS, 'good/acme/x86_64/hello-app-1.0.3-r17.apk')
    const read = await readPackageFile(source, {})
    const description = `<script>alert("pwned")</script> & 'quoted'`
    const hostileName = 'x<img src=x onerror=alert(1)>'
    const pkginfo = (name: string): [string, string][] =>
      read.pkginfo!.map(([k, v]) => [k, k === 'pkgdesc' ? description : k === 'pkgname' ? name : v])
    copyFileSync(source, join(arch, 'hello-app-1.0.3-r17.apk'))
    copyFileSync(source, join(arch, `${hostileName}-1.0.3-r17.apk`))
    const text = indexText(
      ['hello-app', hostileName].map((name) => ({
        pkg: { pkginfo: pkginfo(name), identity: read.identity! },
        fileSize: readFileSync(source).length,
      })),
    )
    const key = createPrivateKey(vectorSigningKey())
    writeFileSync(
      join(arch, 'APKINDEX.tar.gz'),
      signMember(indexMember(text, 'evil ', 0), key, KEY_FILE, 0),
    )

    await writeSite(dir, { url: URL, title: '<b>bold</b> & co' })
    const page = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(page).not.toContain('<script>')
    expect(page).not.toContain('<img')
    expect(page).not.toContain('<b>bold')
    expect(page).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;',
    )
    expect(page).toContain(`<h1>&lt;b&gt;bold&lt;/b&gt; &amp; co</h1>`)
    expect(page).toContain(
      '<a class="name" href="evil/x86_64/x%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E-1.0.3-r17.apk">x&lt;img src=x onerror=alert(1)&gt;</a>',
    )
    // only the package named after its recipe is installed by name; the README is plain text
    expect(page).toContain('apk add hello-app</code>')
    const readme = readFileSync(join(dir, 'README.md'), 'utf8')
    expect(readme).toContain(`  ${description}\n`)
    expect(readme).toContain(`- ${hostileName} 1.0.3-r17: `)
  })

  it('refuses a URL that is not plain http(s), or one a shell would expand, naming the setting', async () => {
    const dir = tree()
    for (const [url, message] of [
      ['acme.github.io/x', 'repository-url: acme.github.io/x is not an absolute URL'],
      ['ftp://acme.example/x', 'repository-url: ftp://acme.example/x is not an http or https URL'],
      ['https://acme.example/x?y=1', 'has a query, fragment or credentials'],
      ['https://acme.example/$(id)/', 'holds characters a shell would expand'],
    ] as const) {
      await expect(writeSite(dir, { url, urlName: 'repository-url' }), url).rejects.toThrow(message)
    }
    // a path without its trailing slash gets one, so relative names resolve under it
    expect((await writeSite(dir, { url: 'https://pkg.example.com/alpine' })).url).toBe(
      'https://pkg.example.com/alpine/',
    )
  })

  it('takes the SHA-256 a merge’s verify read where given, and hashes the other files', async () => {
    const dir = tree()
    const known = 'alpine/3.20/acme/x86_64/hello-app-1.0.3-r17.apk'
    // not the file's own digest: seen on the page only if it was taken, not hashed again
    const given = 'a'.repeat(64)
    const packages = (await readRepository(dir, new Map([[known, given]]))).directories.flatMap(
      (d) => d.packages,
    )
    expect(packages).toHaveLength(3)
    for (const p of packages)
      expect(p.sha256, p.file).toBe(p.file === known ? given : sha256sum(join(dir, p.file)))

    // a merge's verify names its files as the page does, so none is hashed twice
    const merged = await mergedVectorRepository((prefix) => mkdtempSync(join(root, prefix)))
    const key = { name: VECTOR_KEY_NAME, pem: readFileSync(join(merged, KEY_FILE), 'utf8') }
    const digests = await verifyRepository(merged, key, 'the merged repository does not verify')
    for (const { packages: listed } of (await readRepository(merged)).directories)
      for (const p of listed) expect(digests.get(p.file), p.file).toBe(p.sha256)
  })

  it('refuses a tree without its key, with an index the key does not sign, or missing a file', async () => {
    const noKey = tree()
    rmSync(join(noKey, KEY_FILE))
    await expect(readRepository(noKey)).rejects.toThrow('has no <key-name>.rsa.pub at its top')

    const otherKey = tree('other-test@example.invalid-6b08b420.rsa.pub')
    await expect(readRepository(otherKey)).rejects.toThrow(
      /alpine\/3\.19\/noarch\/x86_64\/APKINDEX\.tar\.gz: UNTRUSTED with other-test@example\.invalid-6b08b420\.rsa\.pub/,
    )

    const missing = tree()
    rmSync(join(missing, 'alpine/3.20/acme/x86_64/hello-app-openrc-1.0.3-r17.apk'))
    await expect(readRepository(missing)).rejects.toThrow(
      'alpine/3.20/acme/x86_64/hello-app-openrc-1.0.3-r17.apk is listed in alpine/3.20/acme/x86_64/APKINDEX.tar.gz, but is not there',
    )

    const empty = mkdtempSync(join(root, 'empty-'))
    copyFileSync(join(VECTORS, 'keys', KEY_FILE), join(empty, KEY_FILE))
    await expect(readRepository(empty)).rejects.toThrow('holds no <repo>/<arch>/APKINDEX.tar.gz')
  })

  it('is at the github.io URL GitHub Pages gives the repository, unless told otherwise', () => {
    expect(defaultPagesUrl('Octo-Org/Hello-App')).toBe('https://octo-org.github.io/Hello-App/')
    // the <owner>.github.io repository is served at the top of the host
    expect(defaultPagesUrl('Octo/octo.github.io')).toBe('https://octo.github.io/')
    expect(defaultPagesUrl('octo')).toBeUndefined()
  })
})

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readIndex } from '../src/apk/index.js'
import { readTar } from '../src/apk/tar.js'
import { chromium, dumpDom, screenshot } from './helpers/browser.js'
import { useFakeGitHub } from './helpers/fake-github.js'
import { deployPagesSite, pageText, type DeployedSite } from './helpers/pages-site.js'
import { VECTOR_KEY_NAME } from './helpers/vector-repository.js'

/*
 * upload: pages (node dist/index.js in merge mode), deployed as deploy-pages would (see
 * helpers/pages-site.ts): the artifact's shape, and the site as a person's browser (Debian's
 * headless Chromium) reads it. test/docker/pages.test.ts installs from the same site with apk.
 */
const KEY_FILE = `${VECTOR_KEY_NAME}.rsa.pub`
const fake = useFakeGitHub('pakman-pages-test-')
const root = fake.root
const browser = chromium()

let site: DeployedSite
beforeAll(async () => {
  site = await deployPagesSite(root, fake.server())
})
afterAll(() => site?.close())

/** The packages each index of the deployed site lists, with the SHA-256 sha256sum gives its file. */
function indexed(): {
  dir: string
  name: string
  version: string
  size: number
  t: string
  sha256: string
}[] {
  const listed = []
  for (const dir of ['alpine/3.19/noarch/x86_64', 'alpine/3.20/acme/x86_64']) {
    for (const entry of readIndex(readFileSync(join(site.dir, dir, 'APKINDEX.tar.gz'))).entries) {
      const file = join(site.dir, dir, `${entry.name}-${entry.version}.apk`)
      listed.push({
        dir,
        name: entry.name,
        version: entry.version,
        size: entry.size,
        t: entry.fields.find(([l]) => l === 't')![1],
        sha256: execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!,
      })
    }
  }
  return listed
}

describe('upload: pages (node dist/index.js in merge mode)', () => {
  it('uploads one github-pages artifact holding artifact.tar, as deploy-pages expects', () => {
    const { ran, pagesArtifacts, download, url } = site
    expect(ran.code, ran.stdout + ran.stderr).toBe(0)
    expect(ran.outputs['repository-url']).toBe(url)
    expect(ran.summary).toContain('GitHub Pages artifact <code>github-pages</code>')
    expect(pagesArtifacts).toHaveLength(1)
    expect(String(pagesArtifacts[0]!.id)).toBe(ran.outputs['pages-artifact-id'])
    expect(readdirSync(download)).toEqual(['artifact.tar'])

    // Pages takes files and directories only, no links; nothing hidden goes out
    const entries = readTar(readFileSync(join(download, 'artifact.tar')))
    expect(entries.filter((e) => e.type !== 'file' && e.type !== 'dir')).toEqual([])
    expect(entries.filter((e) => /(^|\/)\.[^/]/.test(e.path))).toEqual([])
    expect(
      entries
        .filter((e) => e.type === 'file')
        .map((e) => e.path.replace(/^\.\//, ''))
        .sort(),
    ).toEqual(
      [
        'README.md',
        KEY_FILE,
        'alpine/3.19/noarch/x86_64/APKINDEX.tar.gz',
        'alpine/3.19/noarch/x86_64/vector-notes-1.0-r0.apk',
        'alpine/3.20/acme/x86_64/APKINDEX.tar.gz',
        'alpine/3.20/acme/x86_64/hello-app-1.0.3-r17.apk',
        'alpine/3.20/acme/x86_64/hello-app-openrc-1.0.3-r17.apk',
        'index.html',
      ].sort(),
    )
  })

  it.skipIf(!browser)(
    'renders in a browser, listing every package and the right install lines',
    async () => {
      const { url } = site
      const dom = await dumpDom(browser!, url)
      const rows = [...dom.matchAll(/<tr class="package">([\s\S]*?)<\/tr>/g)].map((m) => m[1]!)
      const listed = indexed()
      expect(rows).toHaveLength(listed.length)
      for (const p of listed) {
        const href = `${p.dir}/${p.name}-${p.version}.apk`
        const row = rows.find((r) => r.includes(`href="${href}"`))
        expect(row, href).toBeDefined()
        expect(row).toContain(`>${p.name}</a>`)
        expect(row).toContain(`class="version">${p.version}</td>`)
        expect(row).toContain(`value="${p.size}"`)
        expect(row).toContain(
          `datetime="${new Date(Number(p.t) * 1000).toISOString().replace('.000', '')}"`,
        )
        expect(row).toContain(`class="sha">${p.sha256}</td>`)
      }
      const trust = [...dom.matchAll(/<code class="trust">([\s\S]*?)<\/code>/g)].map((m) =>
        pageText(m[1]!),
      )
      expect(trust).toEqual([`wget -O /etc/apk/keys/${KEY_FILE} ${url}${KEY_FILE}`])
      const add = [...dom.matchAll(/<code class="add">([\s\S]*?)<\/code>/g)].map((m) =>
        pageText(m[1]!),
      )
      expect(add).toEqual([
        `echo "${url}alpine/3.19/noarch" >> /etc/apk/repositories\napk update\napk add vector-notes`,
        `echo "${url}alpine/3.20/acme" >> /etc/apk/repositories\napk update\napk add hello-app`,
      ])
      expect(dom).toContain('<h1>acme/hello-app</h1>')

      // a desktop and a phone; both PNGs of the width asked for
      for (const [name, width] of [
        ['desktop', 1100],
        ['phone', 390],
      ] as const) {
        const file = join(root, `${name}.png`)
        await screenshot(browser!, url, file, width, 1400)
        const png = readFileSync(file)
        expect(png.subarray(1, 4).toString()).toBe('PNG')
        expect(png.readUInt32BE(16)).toBe(width)
      }
    },
  )
})

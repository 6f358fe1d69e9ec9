import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import {
  copyFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readIndex } from '../../src/apk/index.js'
import { readTar } from '../../src/apk/tar.js'
import { publish, type Built } from '../../src/publish/index.js'
import { runAction, type ActionRun } from '../helpers/action.js'
import { chromium, dumpDom, screenshot } from '../helpers/browser.js'
import { SHARED } from '../helpers/corpus.js'
import { dockerAvailable, rootfsImage } from '../helpers/docker.js'
import { useFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { recordingReporter } from '../helpers/reporter.js'

/*
 * upload: pages from end to end. Two build jobs' artifacts (packages abuild signed with the
 * vectors' key) go up to the loopback GitHub; the action (node dist/index.js) merges them in a
 * merge job with upload: pages. Then, as actions/deploy-pages and Pages would: the run's one
 * artifact named github-pages is found and downloaded with the real @actions/artifact client, its
 * artifact.tar unpacked, and the site served over HTTP on 127.0.0.1. A person's browser (Debian's
 * headless Chromium) reads the page, and a real apk in a container made from the Alpine rootfs
 * runs the page's own lines: trust the key from the site, add the repository, update, install.
 */
const VECTORS = join(SHARED, 'vectors/apk')
const KEY_NAME = 'pakman-test@example.invalid-6b08b41c'
const KEY_FILE = `${KEY_NAME}.rsa.pub`
const privateKey = readFileSync(join(VECTORS, 'keys', `${KEY_NAME}.rsa`), 'utf8')
const fake = useFakeGitHub('pakman-pages-test-')
const root = fake.root
const docker = dockerAvailable()
const browser = chromium()

let github: FakeGitHub
let server: Server
let url: string
/** What the deployed site holds: artifact.tar unpacked. */
const site = mkdtempSync(join(root, 'site-'))
let ran: ActionRun

/** A build job's output: vector packages under <repo>/<arch>/, its artifact uploaded. */
async function buildJob(stack: string, repo: string, packages: string[]): Promise<void> {
  const dir = mkdtempSync(join(root, 'job-'))
  mkdirSync(join(dir, repo, 'x86_64'), { recursive: true })
  const files = packages.map((name) => {
    const target = join(dir, repo, 'x86_64', name)
    copyFileSync(join(VECTORS, 'good', repo, 'x86_64', name), target)
    return { relativePath: `${repo}/x86_64/${name}`, path: target }
  })
  copyFileSync(join(VECTORS, 'keys', KEY_FILE), join(dir, KEY_FILE))
  const built: Built = {
    packageName: 'hello-app',
    version: '1.0.3',
    release: 17,
    stack,
    arch: 'x86_64',
    keyName: KEY_NAME,
    signature: 'rsa',
    packagesDir: dir,
    publicKeyFile: join(dir, KEY_FILE),
    files,
  }
  await publish(built, { artifact: true }, recordingReporter())
}

/** A plain static file server over `dir`, as Pages serves a site: index.html for a directory. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { html: 'text/html; charset=utf-8', md: 'text/markdown' }
  const http = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path)
    if (!file.startsWith(`${dir}/`) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, {
      'content-type': types[file.split('.').at(-1)!] ?? 'application/octet-stream',
    })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)))
}

beforeAll(async () => {
  github = fake.server()
  await buildJob('alpine/3.20', 'acme', [
    'hello-app-1.0.3-r17.apk',
    'hello-app-openrc-1.0.3-r17.apk',
  ])
  await buildJob('alpine/3.19', 'noarch', ['vector-notes-1.0-r0.apk'])
  server = await serve(site)
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  ran = await runAction(
    {
      mode: 'merge',
      'signing-key': privateKey,
      'signing-key-name': KEY_NAME,
      'packages-dir': mkdtempSync(join(root, 'merged-')),
      upload: 'pages',
      'repository-url': url,
    },
    {
      ...github.env,
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: root,
      GITHUB_REPOSITORY: 'acme/hello-app',
    },
  )
}, 120_000)
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

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
    for (const entry of readIndex(readFileSync(join(site, dir, 'APKINDEX.tar.gz'))).entries) {
      const file = join(site, dir, `${entry.name}-${entry.version}.apk`)
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

/** Text of the DOM Chromium serialized: its five entities back to characters. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

describe('upload: pages (node dist/index.js in merge mode)', () => {
  it('uploads one github-pages artifact holding artifact.tar, as deploy-pages expects', async () => {
    expect(ran.code, ran.stdout + ran.stderr).toBe(0)
    expect(ran.outputs['repository-url']).toBe(url)
    expect(ran.summary).toContain('GitHub Pages artifact <code>github-pages</code>')

    // deploy-pages: the run's artifacts named github-pages, of which there must be exactly one
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    const pages = (await client.listArtifacts()).artifacts.filter((a) => a.name === 'github-pages')
    expect(pages).toHaveLength(1)
    expect(String(pages[0]!.id)).toBe(ran.outputs['pages-artifact-id'])
    const download = mkdtempSync(join(root, 'download-'))
    await client.downloadArtifact(pages[0]!.id, { path: download })
    expect(readdirSync(download)).toEqual(['artifact.tar'])

    // Pages takes files and directories only, no links; nothing hidden goes out
    const archive = readFileSync(join(download, 'artifact.tar'))
    const entries = readTar(archive)
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
    execFileSync('tar', [
      '--extract',
      '--file',
      join(download, 'artifact.tar'),
      '--directory',
      site,
    ])
  })

  it.skipIf(!browser)(
    'renders in a browser, listing every package and the right install lines',
    async () => {
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
        text(m[1]!),
      )
      expect(trust).toEqual([`wget -O /etc/apk/keys/${KEY_FILE} ${url}${KEY_FILE}`])
      const add = [...dom.matchAll(/<code class="add">([\s\S]*?)<\/code>/g)].map((m) => text(m[1]!))
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

  it.skipIf(!docker)(
    'installs with a real apk, running the lines the page gives',
    async () => {
      const page = readFileSync(join(site, 'index.html'), 'utf8')
      const blocks = (kind: string) =>
        [...page.matchAll(new RegExp(`<code class="${kind}">([\\s\\S]*?)</code>`, 'g'))].map((m) =>
          text(m[1]!),
        )
      const [trust] = blocks('trust')
      const adds = blocks('add')
      for (const [stack, lines, installed] of [
        ['3.19', adds[0]!, 'vector-notes'],
        ['3.20', adds[1]!, 'hello-app'],
      ] as const) {
        const script = [
          'set -e',
          // Alpine's own mirrors are out of reach here; hello-app's dependencies on them are
          // registered as installed, empty, so that only this repository is fetched from.
          ': > /etc/apk/repositories',
          'for dep in ca-certificates curl jq runit; do apk add --quiet --no-network --virtual $dep; done',
          // Before the key is trusted, the repository's index is refused.
          `echo "${lines.split('\n')[0]!.match(/"(.*)"/)![1]}" > /tmp/repositories`,
          'if apk update --repositories-file /tmp/repositories; then echo TRUSTED-WITHOUT-KEY; fi',
          trust!,
          lines,
          `apk info -e ${installed}`,
        ].join('\n')
        // Asynchronous: the site is served from this process, which must stay free to answer.
        const result = await promisify(execFile)(
          'docker',
          [
            'run',
            '--rm',
            '--network',
            'host',
            '--entrypoint',
            '/bin/sh',
            rootfsImage(stack),
            '-c',
            script,
          ],
          { encoding: 'utf8', timeout: 120_000 },
        ).then(
          (done) => ({ ...done, code: 0 }),
          (failed: { stdout: string; stderr: string; code: number }) => failed,
        )
        const output = `${result.stdout}${result.stderr}`
        expect(result.code, output).toBe(0)
        expect(output).toContain('UNTRUSTED signature')
        expect(output).not.toContain('TRUSTED-WITHOUT-KEY')
        expect(output).toMatch(/OK: \d+ distinct packages available/)
        expect(output).toContain(`Installing ${installed} (`)
        expect(result.stdout.trim().split('\n').at(-1)).toBe(installed)
      }
    },
    240_000,
  )
})

import { execFileSync } from 'node:child_process'
import { createReadStream, mkdtempSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize } from 'node:path'
import type { Artifact } from '@actions/artifact'
import { publish } from '../../src/publish/index.js'
import { runAction, type ActionRun } from './action.js'
import type { FakeGitHub } from './fake-github.js'
import { recordingReporter } from './reporter.js'
import { vectorJob, vectorSigningKey, VECTOR_KEY_NAME } from './vector-repository.js'

/*
 * upload: pages from end to end, up to the deployed site. Two build jobs' artifacts (packages
 * abuild signed with the vectors' key) go up to the loopback GitHub; the action (node
 * dist/index.js) merges them in a merge job with upload: pages. Then, as actions/deploy-pages and
 * Pages would: the run's artifact named github-pages is found and downloaded with the real
 * @actions/artifact client, its artifact.tar unpacked, and the site served over HTTP on 127.0.0.1.
 */

export interface DeployedSite {
  ran: ActionRun
  /** The run's artifacts named github-pages, as deploy-pages lists them. */
  pagesArtifacts: Artifact[]
  /** Where the one github-pages artifact was downloaded. */
  download: string
  /** artifact.tar unpacked: what Pages serves. */
  dir: string
  /** Where the site is served, ending in /: the merge job's repository-url. */
  url: string
  close: () => Promise<void>
}

/**
 * Runs the build and merge jobs against `github` and deploys the site, for a beforeAll: what each
 * test then reads is there whichever test runs. Throws unless the run left one github-pages
 * artifact to deploy.
 */
export async function deployPagesSite(root: string, github: FakeGitHub): Promise<DeployedSite> {
  const jobs = [
    vectorJob(root, 'alpine/3.20', 'x86_64', [
      'good/acme/x86_64/hello-app-1.0.3-r17.apk',
      'good/acme/x86_64/hello-app-openrc-1.0.3-r17.apk',
    ]),
    vectorJob(
      root,
      'alpine/3.19',
      'x86_64',
      ['good/noarch/x86_64/vector-notes-1.0-r0.apk'],
      'noarch',
    ),
  ]
  for (const built of jobs) await publish(built, { artifact: true }, recordingReporter())
  const dir = mkdtempSync(join(root, 'site-'))
  // Served before the merge runs: the page names the URL it is served at.
  const server = await serve(dir)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  try {
    const ran = await runAction(
      {
        mode: 'merge',
        'signing-key': vectorSigningKey(),
        'signing-key-name': VECTOR_KEY_NAME,
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
    // deploy-pages: the run's artifacts named github-pages, of which there must be exactly one
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    const pagesArtifacts = (await client.listArtifacts()).artifacts.filter(
      (a) => a.name === 'github-pages',
    )
    if (ran.code !== 0 || pagesArtifacts.length !== 1)
      throw new Error(
        `the merge job (exit ${ran.code}) left ${pagesArtifacts.length} github-pages artifacts:\n${ran.stdout}${ran.stderr}`,
      )
    const download = mkdtempSync(join(root, 'download-'))
    await client.downloadArtifact(pagesArtifacts[0]!.id, { path: download })
    execFileSync('tar', ['--extract', '--file', join(download, 'artifact.tar'), '--directory', dir])
    return { ran, pagesArtifacts, download, dir, url, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** Text of a page's markup: tags dropped, its five entities back to characters. */
export const pageText = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

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

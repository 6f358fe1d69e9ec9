import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as vitestHooks from 'vitest'

/*
 * A loopback server that speaks enough of GitHub's protocols for the real toolkit clients: the
 * Twirp CacheService (v2) and ArtifactService, the blob storage their signed URLs point at, and the
 * release REST endpoints Octokit calls. Listens on 127.0.0.1 only. `failNext(route, n)` makes the
 * next n requests to a route answer 500 (Infinity: always), to test retries and error handling.
 */

interface CacheEntry {
  key: string
  version: string
  blob: string
  finalized: boolean
}

export interface FakeArtifact {
  id: number
  name: string
  blob: string
  finalized: boolean
}

export interface FakeRelease {
  id: number
  tag_name: string
  name: string
  draft: boolean
  assets: { id: number; name: string; size: number; data: Buffer }[]
}

export interface FakeGitHub {
  url: string
  /** Environment the toolkit clients need to talk to this server. */
  env: Record<string, string>
  entries: CacheEntry[]
  blobs: Map<string, Buffer>
  artifacts: FakeArtifact[]
  releases: FakeRelease[]
  requests: string[]
  /** Answers the next `times` requests whose "METHOD /path" starts with `route` with a 500. */
  failNext(route: string, times: number): void
  close(): Promise<void>
}

const TWIRP_CACHE = '/twirp/github.actions.results.api.v1.CacheService/'
const TWIRP_ARTIFACT = '/twirp/github.actions.results.api.v1.ArtifactService/'

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const entries: CacheEntry[] = []
  const blobs = new Map<string, Buffer>()
  const blocks = new Map<string, Buffer>()
  const contentTypes = new Map<string, string>()
  const requests: string[] = []
  const artifacts: FakeArtifact[] = []
  const releases: FakeRelease[] = []
  const failures = new Map<string, number>()
  let nextId = 1
  let base = ''

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', base)
    const route = `${req.method} ${url.pathname}`
    requests.push(route)
    for (const [prefix, left] of failures) {
      if (route.startsWith(prefix) && left > 0) {
        failures.set(prefix, left - 1)
        return send(res, 500, { msg: 'injected failure' })
      }
    }
    if (req.method === 'POST' && url.pathname.startsWith(TWIRP_ARTIFACT)) {
      return artifactTwirp(
        url.pathname.slice(TWIRP_ARTIFACT.length),
        JSON.parse(body.toString() || '{}'),
        res,
      )
    }
    if (url.pathname.startsWith('/repos/') || url.pathname.startsWith('/uploads/')) {
      return releasesApi(req.method ?? 'GET', url, body, res)
    }
    if (req.method === 'POST' && url.pathname.startsWith(TWIRP_CACHE)) {
      const call = url.pathname.slice(TWIRP_CACHE.length)
      const input = JSON.parse(body.toString() || '{}') as Record<string, unknown>
      return twirp(call, input, res)
    }
    if (url.pathname.startsWith('/blob/')) {
      const type = req.headers['x-ms-blob-content-type']
      if (typeof type === 'string') contentTypes.set(url.pathname.slice('/blob/'.length), type)
      return blob(req.method ?? 'GET', url, body, res)
    }
    send(res, 404, { msg: `no route ${req.method} ${url.pathname}` })
  })

  function twirp(call: string, input: Record<string, unknown>, res: ServerResponse): void {
    if (call === 'CreateCacheEntry') {
      if (entries.some((e) => e.key === input.key && e.version === input.version)) {
        return send(res, 409, { code: 'already_exists', msg: 'cache entry exists' })
      }
      const blobName = `cache-${entries.length + 1}`
      entries.push({
        key: String(input.key),
        version: String(input.version),
        blob: blobName,
        finalized: false,
      })
      return send(res, 200, { ok: true, signed_upload_url: `${base}/blob/${blobName}?sig=upload` })
    }
    if (call === 'FinalizeCacheEntryUpload') {
      const entry = entries.find((e) => e.key === input.key && e.version === input.version)
      if (!entry) return send(res, 404, { code: 'not_found', msg: 'no such entry' })
      entry.finalized = true
      return send(res, 200, { ok: true, entry_id: String(entries.indexOf(entry) + 1) })
    }
    if (call === 'GetCacheEntryDownloadURL') {
      const keys = [input.key, ...((input.restore_keys as string[] | undefined) ?? [])].map(String)
      for (const key of keys) {
        const entry = entries.find(
          (e) => e.finalized && e.version === input.version && e.key === key,
        )
        if (entry)
          return send(res, 200, {
            ok: true,
            signed_download_url: `${base}/blob/${entry.blob}?sig=download`,
            matched_key: entry.key,
          })
      }
      return send(res, 200, { ok: false })
    }
    send(res, 404, { code: 'bad_route', msg: call })
  }

  function artifactTwirp(call: string, input: Record<string, unknown>, res: ServerResponse): void {
    const view = (a: FakeArtifact) => ({
      workflow_run_backend_id: 'run',
      workflow_job_run_backend_id: 'job',
      database_id: String(a.id),
      name: a.name,
      size: String(blobs.get(a.blob)?.length ?? 0),
      created_at: new Date(0).toISOString(),
    })
    if (call === 'CreateArtifact') {
      if (artifacts.some((a) => a.name === input.name && a.finalized)) {
        return send(res, 409, {
          code: 'already_exists',
          msg: 'an artifact with this name already exists on the workflow run',
        })
      }
      const artifact = {
        id: nextId++,
        name: String(input.name),
        blob: `artifact-${nextId}`,
        finalized: false,
      }
      artifacts.push(artifact)
      return send(res, 200, {
        ok: true,
        signed_upload_url: `${base}/blob/${artifact.blob}?sig=upload`,
      })
    }
    if (call === 'FinalizeArtifact') {
      const artifact = artifacts.find((a) => a.name === input.name && !a.finalized)
      if (!artifact) return send(res, 404, { code: 'not_found', msg: 'no artifact to finalize' })
      artifact.finalized = true
      return send(res, 200, { ok: true, artifact_id: String(artifact.id) })
    }
    if (call === 'ListArtifacts') {
      const nameFilter = input.name_filter as string | undefined
      const idFilter = input.id_filter as string | undefined
      const found = artifacts.filter(
        (a) =>
          a.finalized &&
          (!nameFilter || a.name === nameFilter) &&
          (!idFilter || String(a.id) === String(idFilter)),
      )
      return send(res, 200, { artifacts: found.map(view) })
    }
    if (call === 'GetSignedArtifactURL') {
      const artifact = artifacts.find((a) => a.finalized && a.name === input.name)
      if (!artifact) return send(res, 404, { code: 'not_found', msg: 'no such artifact' })
      return send(res, 200, { signed_url: `${base}/blob/${artifact.blob}?sig=download` })
    }
    if (call === 'DeleteArtifact') {
      const index = artifacts.findIndex((a) => a.finalized && a.name === input.name)
      if (index < 0) return send(res, 404, { code: 'not_found', msg: 'no such artifact' })
      const [removed] = artifacts.splice(index, 1)
      return send(res, 200, { ok: true, artifact_id: String(removed!.id) })
    }
    send(res, 404, { code: 'bad_route', msg: call })
  }

  function releasesApi(method: string, url: URL, body: Buffer, res: ServerResponse): void {
    const view = (r: FakeRelease) => ({
      id: r.id,
      tag_name: r.tag_name,
      name: r.name,
      draft: r.draft,
      html_url: `${base}/octo/app/releases/${r.draft ? 'untagged' : 'tag'}/${r.tag_name}`,
      upload_url: `${base}/uploads/repos/octo/app/releases/${r.id}/assets{?name,label}`,
      assets: r.assets.map(({ id, name, size }) => ({ id, name, size })),
    })
    const path = url.pathname
    let match: RegExpExecArray | null
    if (method === 'GET' && (match = /^\/repos\/[^/]+\/[^/]+\/releases\/tags\/(.+)$/.exec(path))) {
      const release = releases.find(
        (r) => r.tag_name === decodeURIComponent(match![1]!) && !r.draft,
      )
      return release ? send(res, 200, view(release)) : send(res, 404, { message: 'Not Found' })
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(path)) {
      return send(res, 200, releases.map(view))
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/releases$/.test(path)) {
      const input = JSON.parse(body.toString()) as {
        tag_name: string
        name?: string
        draft?: boolean
      }
      const release = {
        id: nextId++,
        tag_name: input.tag_name,
        name: input.name ?? input.tag_name,
        draft: !!input.draft,
        assets: [],
      }
      releases.push(release)
      return send(res, 201, view(release))
    }
    if ((match = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)$/.exec(path))) {
      const release = releases.find((r) => r.id === Number(match![1]))
      if (!release) return send(res, 404, { message: 'Not Found' })
      if (method === 'PATCH') Object.assign(release, JSON.parse(body.toString()))
      return send(res, 200, view(release))
    }
    if (
      method === 'GET' &&
      (match = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(path))
    ) {
      const release = releases.find((r) => r.id === Number(match![1]))
      return release
        ? send(res, 200, view(release).assets)
        : send(res, 404, { message: 'Not Found' })
    }
    if (
      method === 'DELETE' &&
      (match = /^\/repos\/[^/]+\/[^/]+\/releases\/assets\/(\d+)$/.exec(path))
    ) {
      for (const release of releases)
        release.assets = release.assets.filter((a) => a.id !== Number(match![1]))
      return void res.writeHead(204).end()
    }
    if (
      method === 'POST' &&
      (match = /^\/uploads\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(path))
    ) {
      const release = releases.find((r) => r.id === Number(match![1]))
      const name = url.searchParams.get('name') ?? ''
      if (!release) return send(res, 404, { message: 'Not Found' })
      if (release.assets.some((a) => a.name === name)) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
        })
      }
      const asset = { id: nextId++, name, size: body.length, data: body }
      release.assets.push(asset)
      return send(res, 201, { id: asset.id, name, size: body.length })
    }
    send(res, 404, { message: `Not Found: ${method} ${path}` })
  }

  function blob(method: string, url: URL, body: Buffer, res: ServerResponse): void {
    const name = url.pathname.slice('/blob/'.length)
    const headers = {
      'x-ms-request-id': 'fake',
      etag: '"fake"',
      'last-modified': new Date().toUTCString(),
    }
    if (method === 'PUT') {
      const comp = url.searchParams.get('comp')
      if (comp === 'block') blocks.set(`${name}:${url.searchParams.get('blockid')}`, body)
      else if (comp === 'blocklist') {
        const ids = [...body.toString().matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => m[1])
        blobs.set(
          name,
          Buffer.concat(ids.map((id) => blocks.get(`${name}:${id}`) ?? Buffer.alloc(0))),
        )
      } else blobs.set(name, body)
      res.writeHead(201, headers).end()
      return
    }
    const data = blobs.get(name)
    if (!data) return void res.writeHead(404, headers).end()
    res
      .writeHead(200, {
        ...headers,
        'content-length': String(data.length),
        'content-type': contentTypes.get(name) ?? 'application/octet-stream',
      })
      .end(data)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const token = [
    'e30',
    Buffer.from(JSON.stringify({ scp: 'Actions.Results:run:job' })).toString('base64url'),
    'sig',
  ].join('.')
  return {
    url: base,
    env: {
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: `${base}/`,
      ACTIONS_CACHE_SERVICE_V2: 'true',
      GITHUB_API_URL: base,
      // GITHUB_SERVER_URL stays github.com: another host counts as GHES, which has no cache v2.
    },
    entries,
    blobs,
    artifacts,
    releases,
    requests,
    failNext: (route, times) => void failures.set(route, times),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/**
 * For in-process tests of the toolkit clients: starts the server before the file's tests, points
 * this process's environment at it (with GITHUB_WORKSPACE and RUNNER_TEMP at a scratch directory),
 * and restores everything afterwards. Read `server()` inside tests.
 */
export function useFakeGitHub(prefix: string): { server: () => FakeGitHub; root: string } {
  const { afterAll, beforeAll } = vitestHooks
  const root = mkdtempSync(join(tmpdir(), prefix))
  const saved: Record<string, string | undefined> = {}
  let github: FakeGitHub | undefined
  beforeAll(async () => {
    github = await startFakeGitHub()
    for (const [key, value] of Object.entries({
      ...github.env,
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: root,
    })) {
      saved[key] = process.env[key]
      process.env[key] = value
    }
  })
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    await github?.close()
    rmSync(root, { recursive: true, force: true })
  })
  return {
    server: () => {
      if (!github) throw new Error('the fake GitHub server starts in beforeAll')
      return github
    },
    root,
  }
}

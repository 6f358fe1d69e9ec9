import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as vitestHooks from 'vitest'

/*
 * A loopback server that speaks enough of GitHub's protocols for the real toolkit clients: the
 * Twirp CacheService (v2) and ArtifactService, the blob storage their signed URLs point at, and the
 * release REST endpoints Octokit calls, for any owner/repo, with GitHub's paging (30 a page by
 * default, `per_page` up to 100, Link headers). Listens on 127.0.0.1 only. `failNext(route, n)`
 * makes the next n requests to a route fail (a 500, or one of GitHub's rate-limit answers), to
 * test retries and error handling.
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

export interface FakeAsset {
  id: number
  name: string
  size: number
  data: Buffer
}

export interface FakeRelease {
  id: number
  /** owner/repo it belongs to. */
  repo: string
  tag_name: string
  name: string
  draft: boolean
  assets: FakeAsset[]
}

/**
 * How an injected failure answers: a 500; GitHub's primary rate limit (403, no requests left until
 * `x-ratelimit-reset`); a secondary rate limit as a 403 or a 429, both with `retry-after`; a 403
 * for a token without the permission.
 */
export type Failure =
  'server-error' | 'rate-limit' | 'secondary-403' | 'secondary-429' | 'forbidden'

/** "METHOD /path": a string matches the routes it starts, a RegExp those it matches. */
export type Route = string | RegExp

const matches = (route: string, pattern: Route) =>
  typeof pattern === 'string' ? route.startsWith(pattern) : pattern.test(route)

export interface FakeCall {
  route: string
  query: string
  /** performance.now() when the request arrived. */
  at: number
}

export interface FakeGitHub {
  url: string
  /** Environment the toolkit clients need to talk to this server. */
  env: Record<string, string>
  entries: CacheEntry[]
  blobs: Map<string, Buffer>
  artifacts: FakeArtifact[]
  /** Releases of every repository, oldest first. */
  releases: FakeRelease[]
  /** Every time a release went from draft (or nothing) to published. */
  published: { id: number; repo: string; tag_name: string }[]
  /** "METHOD /path" of every request: the routes of `calls`. */
  readonly requests: string[]
  calls: FakeCall[]
  /** Asset uploads: how many are in flight now, and the most there ever were at once. */
  uploads: { inFlight: number; maxInFlight: number }
  /** Holds every asset upload this long before answering, so overlapping uploads can be seen. */
  uploadDelayMs: number
  /**
   * Answers the next `times` requests whose "METHOD /path" starts with `route` with `failure`
   * (a 500 unless told). Rate-limit answers ask to wait `waitSeconds` (default 1).
   */
  failNext(route: Route, times: number, failure?: Failure, waitSeconds?: number): void
  /** Holds requests to `route` until `count` of them have arrived, then answers them all. */
  holdUntil(route: Route, count: number): void
  /** Runs `action` when the next request to `route` arrives, before it is answered. */
  beforeNext(route: Route, action: () => void): void
  /**
   * Back to a fresh server for a test of artifacts and releases: no artifact, release or request
   * recorded, no upload delay, no failNext, holdUntil or beforeNext left. The cache's entries and
   * blobs are kept.
   */
  reset(): void
  /** Adds a release as if made earlier, in the repository `repo` (default octo/app). */
  addRelease(tag: string, options?: { draft?: boolean; repo?: string }): FakeRelease
  close(): Promise<void>
}

const TWIRP_CACHE = '/twirp/github.actions.results.api.v1.CacheService/'
const TWIRP_ARTIFACT = '/twirp/github.actions.results.api.v1.ArtifactService/'

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const entries: CacheEntry[] = []
  const blobs = new Map<string, Buffer>()
  const blocks = new Map<string, Buffer>()
  const contentTypes = new Map<string, string>()
  const artifacts: FakeArtifact[] = []
  const releases: FakeRelease[] = []
  const published: FakeGitHub['published'] = []
  const calls: FakeCall[] = []
  const uploads = { inFlight: 0, maxInFlight: 0 }
  const failures = new Map<Route, { left: number; failure: Failure; wait: number }>()
  const gates = new Map<Route, { count: number; waiting: (() => void)[] }>()
  const hooks = new Map<Route, () => void>()
  let nextId = 1
  let base = ''
  const fake = { uploadDelayMs: 0 }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const route = `${req.method} ${url.pathname}`
    calls.push({ route, query: url.search, at: performance.now() })
    // Counted from arrival to answer, body included: what "in flight" means to the client.
    const upload = route.startsWith('POST /uploads/')
    if (upload) {
      uploads.inFlight++
      uploads.maxInFlight = Math.max(uploads.maxInFlight, uploads.inFlight)
      res.on('close', () => uploads.inFlight--)
    }
    const body = await readBody(req)
    for (const [prefix, gate] of gates) {
      if (!matches(route, prefix)) continue
      await new Promise<void>((resolve) => {
        gate.waiting.push(resolve)
        if (gate.waiting.length >= gate.count) {
          gates.delete(prefix)
          for (const release of gate.waiting) release()
        }
      })
    }
    for (const [prefix, action] of hooks) {
      if (!matches(route, prefix)) continue
      hooks.delete(prefix)
      action()
    }
    for (const [prefix, injected] of failures) {
      if (matches(route, prefix) && injected.left > 0) {
        injected.left--
        return fail(res, injected.failure, injected.wait)
      }
    }
    if (upload && fake.uploadDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, fake.uploadDelayMs))
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

  /** Forgets every failNext, holdUntil and beforeNext not used up. */
  function clearInjected(): void {
    failures.clear()
    gates.clear()
    hooks.clear()
  }

  /** The answers GitHub gives, headers and messages as it sends them. */
  function fail(res: ServerResponse, failure: Failure, wait: number): void {
    if (failure === 'server-error') return send(res, 500, { msg: 'injected failure' })
    if (failure === 'forbidden') {
      return send(res, 403, { message: 'Resource not accessible by integration' })
    }
    if (failure === 'rate-limit') {
      const reset = Math.ceil(Date.now() / 1000) + wait
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      })
      return void res.end(JSON.stringify({ message: 'API rate limit exceeded for installation.' }))
    }
    res.writeHead(failure === 'secondary-429' ? 429 : 403, {
      'content-type': 'application/json',
      'retry-after': String(wait),
    })
    res.end(
      JSON.stringify({
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      }),
    )
  }

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
      // As the service does: the key exactly; then each restore key exactly, else as a prefix,
      // the newest entry first.
      const usable = entries.filter((e) => e.finalized && e.version === input.version).reverse()
      const restoreKeys = ((input.restore_keys as string[] | undefined) ?? []).map(String)
      const candidates = [
        usable.find((e) => e.key === input.key),
        ...restoreKeys.map(
          (key) => usable.find((e) => e.key === key) ?? usable.find((e) => e.key.startsWith(key)),
        ),
      ]
      for (const entry of candidates) {
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

  /** GitHub's paging: `per_page` (default 30, at most 100) and `page`, with a Link header. */
  function sendPage(res: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page')) || 30, 1), 100)
    const page = Math.max(Number(url.searchParams.get('page')) || 1, 1)
    const last = Math.max(Math.ceil(items.length / perPage), 1)
    const link = (n: number, rel: string) => {
      const target = new URL(url.pathname + url.search, base)
      target.searchParams.set('per_page', String(perPage))
      target.searchParams.set('page', String(n))
      return `<${target.href}>; rel="${rel}"`
    }
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ]
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(links.length > 0 && { link: links.join(', ') }),
    })
    res.end(JSON.stringify(items.slice((page - 1) * perPage, page * perPage)))
  }

  async function releasesApi(
    method: string,
    url: URL,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const path = url.pathname
    const repoMatch = /^\/(?:uploads\/)?repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path)
    if (!repoMatch) return send(res, 404, { message: `Not Found: ${method} ${path}` })
    // Every owner/repo is served; each release belongs to the repository it was created in.
    const repo = `${decodeURIComponent(repoMatch[1]!)}/${decodeURIComponent(repoMatch[2]!)}`
    const rest = repoMatch[3] ?? ''
    const inRepo = () => releases.filter((r) => r.repo === repo)
    const byId = (id: string | undefined) => inRepo().find((r) => r.id === Number(id))
    const view = (r: FakeRelease) => ({
      id: r.id,
      tag_name: r.tag_name,
      name: r.name,
      draft: r.draft,
      html_url: `${base}/${r.repo}/releases/${r.draft ? 'untagged' : 'tag'}/${r.tag_name}`,
      upload_url: `${base}/uploads/repos/${r.repo}/releases/${r.id}/assets{?name,label}`,
      assets: r.assets.map(assetView),
    })
    const assetView = ({ id, name, size }: FakeAsset) => ({ id, name, size, state: 'uploaded' })
    const exists = (resource: string, field: string) =>
      send(res, 422, {
        message: 'Validation Failed',
        errors: [{ resource, code: 'already_exists', field }],
      })
    let match: RegExpExecArray | null
    if (path.startsWith('/uploads/')) {
      match = /^\/releases\/(\d+)\/assets$/.exec(rest)
      if (method !== 'POST' || !match) return send(res, 404, { message: 'Not Found' })
      const release = byId(match[1])
      const name = url.searchParams.get('name') ?? ''
      if (!release) return send(res, 404, { message: 'Not Found' })
      if (release.assets.some((a) => a.name === name)) return exists('ReleaseAsset', 'name')
      const asset = { id: nextId++, name, size: body.length, data: body }
      release.assets.push(asset)
      return send(res, 201, assetView(asset))
    }
    if (method === 'GET' && (match = /^\/releases\/tags\/(.+)$/.exec(rest))) {
      // As on GitHub, this endpoint does not return drafts.
      const tag = decodeURIComponent(match[1]!)
      const release = inRepo().find((r) => r.tag_name === tag && !r.draft)
      return release ? send(res, 200, view(release)) : send(res, 404, { message: 'Not Found' })
    }
    if (rest === '/releases' && method === 'GET') {
      // Newest first, as GitHub lists them.
      return sendPage(res, url, inRepo().reverse().map(view))
    }
    if (rest === '/releases' && method === 'POST') {
      const input = JSON.parse(body.toString()) as {
        tag_name: string
        name?: string
        draft?: boolean
      }
      // GitHub refuses a second release for a published tag, but happily makes a second draft.
      if (inRepo().some((r) => r.tag_name === input.tag_name && !r.draft)) {
        return exists('Release', 'tag_name')
      }
      const release: FakeRelease = {
        id: nextId++,
        repo,
        tag_name: input.tag_name,
        name: input.name ?? input.tag_name,
        draft: !!input.draft,
        assets: [],
      }
      releases.push(release)
      if (!release.draft) published.push({ id: release.id, repo, tag_name: release.tag_name })
      return send(res, 201, view(release))
    }
    if ((match = /^\/releases\/(\d+)$/.exec(rest))) {
      const release = byId(match[1])
      if (!release) return send(res, 404, { message: 'Not Found' })
      if (method === 'DELETE') {
        releases.splice(releases.indexOf(release), 1)
        return void res.writeHead(204).end()
      }
      if (method === 'PATCH') {
        const input = JSON.parse(body.toString()) as Partial<FakeRelease>
        if (release.draft && input.draft === false) {
          if (inRepo().some((r) => r.tag_name === release.tag_name && !r.draft)) {
            return exists('Release', 'tag_name')
          }
          published.push({ id: release.id, repo, tag_name: release.tag_name })
        }
        for (const key of ['draft', 'name', 'tag_name'] as const) {
          if (input[key] !== undefined) Object.assign(release, { [key]: input[key] })
        }
      }
      return send(res, 200, view(release))
    }
    if (method === 'GET' && (match = /^\/releases\/(\d+)\/assets$/.exec(rest))) {
      const release = byId(match[1])
      return release
        ? sendPage(res, url, release.assets.map(assetView))
        : send(res, 404, { message: 'Not Found' })
    }
    if (method === 'DELETE' && (match = /^\/releases\/assets\/(\d+)$/.exec(rest))) {
      const id = Number(match[1])
      const release = inRepo().find((r) => r.assets.some((a) => a.id === id))
      if (!release) return send(res, 404, { message: 'Not Found' })
      release.assets = release.assets.filter((a) => a.id !== id)
      return void res.writeHead(204).end()
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
    published,
    // Derived from calls, so the two cannot disagree.
    get requests() {
      return calls.map((c) => c.route)
    },
    calls,
    uploads,
    get uploadDelayMs() {
      return fake.uploadDelayMs
    },
    set uploadDelayMs(ms: number) {
      fake.uploadDelayMs = ms
    },
    failNext: (route, times, failure = 'server-error', wait = 1) =>
      void failures.set(route, { left: times, failure, wait }),
    holdUntil: (route, count) => void gates.set(route, { count, waiting: [] }),
    beforeNext: (route, action) => void hooks.set(route, action),
    reset: () => {
      for (const list of [artifacts, releases, published, calls]) list.length = 0
      uploads.maxInFlight = 0
      fake.uploadDelayMs = 0
      clearInjected()
    },
    addRelease: (tag, options = {}) => {
      const release: FakeRelease = {
        id: nextId++,
        repo: options.repo ?? 'octo/app',
        tag_name: tag,
        name: tag,
        draft: !!options.draft,
        assets: [],
      }
      releases.push(release)
      return release
    },
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

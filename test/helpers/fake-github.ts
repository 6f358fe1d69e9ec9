import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/*
 * A loopback server that speaks enough of GitHub's protocols for the real @actions/cache client:
 * the Twirp CacheService (v2) and the blob storage its signed URLs point at. Listens on 127.0.0.1
 * only. Failures can be injected per route to test retries and error handling.
 */

interface CacheEntry {
  key: string
  version: string
  blob: string
  finalized: boolean
}

export interface FakeGitHub {
  url: string
  /** Environment the toolkit clients need to talk to this server. */
  env: Record<string, string>
  entries: CacheEntry[]
  blobs: Map<string, Buffer>
  requests: string[]
  close(): Promise<void>
}

const TWIRP_CACHE = '/twirp/github.actions.results.api.v1.CacheService/'

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const entries: CacheEntry[] = []
  const blobs = new Map<string, Buffer>()
  const blocks = new Map<string, Buffer>()
  const requests: string[] = []
  let base = ''

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', base)
    requests.push(`${req.method} ${url.pathname}`)
    if (req.method === 'POST' && url.pathname.startsWith(TWIRP_CACHE)) {
      const call = url.pathname.slice(TWIRP_CACHE.length)
      const input = JSON.parse(body.toString() || '{}') as Record<string, unknown>
      return twirp(call, input, res)
    }
    if (url.pathname.startsWith('/blob/')) return blob(req.method ?? 'GET', url, body, res)
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
        'content-type': 'application/octet-stream',
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
    requests,
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

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { late } from './late.js'
import { useS3, type FakeS3 } from './s3.js'

/*
 * A loopback fake of the Instellar/OpsMaru platform API that `pakman push` calls, with the
 * statuses ../shared/research/instellar-push.md lists and JSON bodies (content-type
 * application/json, which the original needs to decode them):
 *
 *   POST /publish/automation/callback                {auth_token}  201 {data:{token}} | 404
 *   GET  /publish/deployments/<sha>                                200 {data:{attributes}} | 404
 *   GET  /publish/storage                                          200 {data:{attributes}}
 *   POST /publish/deployments                        {deployment}  201 created | 200 existed
 *   POST /publish/deployments/<id>/configurations    {configuration:{payload}}  201 | 200 | 422
 *
 * Every call after the callback must carry `authorization: Bearer <token>` and
 * `x-instellar-package-token`; otherwise 401. Listens on 127.0.0.1 only. `fail(route, times, how)`
 * answers the next calls to a route with a status or drops the connection.
 */

export interface PlatformRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
}

export interface FakeDeployment {
  id: number
  ref: string
  hash: string
  archive_path: string
  stack?: string
  configurations: unknown[]
}

type Failure = { status: number; body?: unknown } | 'drop'

export interface FakeInstellar {
  url: string
  authToken: string
  packageToken: string
  /** The session token the callback hands out. */
  sessionToken: string
  requests: PlatformRequest[]
  deployments: FakeDeployment[]
  /** Set what GET /publish/storage answers with. */
  storage: Record<string, unknown>
  /** The next `times` requests whose "METHOD /path" starts with `route` get `how`. */
  fail(route: string, times: number, how: Failure): void
  /** "METHOD /path" of every request, in order. */
  routes(): string[]
  reset(): void
  close(): Promise<void>
}

/** What GET /publish/storage answers to send `pakman push` to s3rver; `overrides` vary its form. */
export function platformStorage(
  s3: FakeS3,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    bucket: s3.bucket,
    host: s3.host,
    port: s3.port,
    scheme: 'http',
    region: s3.region,
    credential: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey },
    ...overrides,
  }
}

/**
 * The platform fake and s3rver for a whole test file, as `pakman push` meets them: before each
 * test both are emptied and the platform's storage is s3rver (platformStorage, with what
 * `overrides` gives). Call it at the top level; the objects stand for the servers from the first
 * test on.
 */
export function usePlatformWithS3(
  overrides: (s3: FakeS3) => Record<string, unknown> = () => ({}),
): {
  platform: FakeInstellar
  s3: FakeS3
} {
  let platform: FakeInstellar | undefined
  const s3 = useS3()
  beforeAll(async () => {
    platform = await startFakeInstellar()
  })
  afterAll(async () => {
    await platform?.close()
  })
  beforeEach(() => {
    platform!.reset()
    platform!.storage = platformStorage(s3, overrides(s3))
  })
  return { platform: late('the platform fake', () => platform), s3 }
}

export async function startFakeInstellar(
  tokens = {
    authToken: 'auth-3c1d-secret-for-callback',
    packageToken: 'pkg-7b2e-secret-package-token',
    sessionToken: 'session-91aa-bearer-secret',
  },
): Promise<FakeInstellar> {
  const requests: PlatformRequest[] = []
  const deployments: FakeDeployment[] = []
  const failures: { route: string; left: number; how: Failure }[] = []
  let storage: Record<string, unknown> = {}
  let nextId = 1

  const server = createServer(async (req, res) => {
    const text = await readBody(req)
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      return send(res, 400, { errors: { detail: 'body is not JSON' } })
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const route = `${req.method} ${url.pathname}`
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body })
    const failure = failures.find((f) => f.left > 0 && route.startsWith(f.route))
    if (failure) {
      failure.left--
      if (failure.how === 'drop') return void req.socket.destroy()
      return send(res, failure.how.status, failure.how.body ?? { errors: { detail: 'injected' } })
    }

    if (route === 'POST /publish/automation/callback') {
      const given = (body as { auth_token?: unknown } | undefined)?.auth_token
      if (given !== tokens.authToken) return send(res, 404, { errors: { detail: 'Not Found' } })
      return send(res, 201, { data: { token: tokens.sessionToken } })
    }
    if (
      req.headers.authorization !== `Bearer ${tokens.sessionToken}` ||
      req.headers['x-instellar-package-token'] !== tokens.packageToken
    ) {
      return send(res, 401, { errors: { detail: 'Unauthorized' } })
    }
    let match: RegExpExecArray | null
    if (req.method === 'GET' && (match = /^\/publish\/deployments\/([^/]+)$/.exec(url.pathname))) {
      const found = deployments.find((d) => d.hash === match![1])
      if (!found) return send(res, 404, { data: { errors: { detail: 'not_found' } } })
      return send(res, 200, { data: { attributes: view(found) } })
    }
    if (route === 'GET /publish/storage') return send(res, 200, { data: { attributes: storage } })
    if (route === 'POST /publish/deployments') {
      const input = (body as { deployment?: Partial<FakeDeployment> } | undefined)?.deployment
      if (!input?.hash || !input.ref || !input.archive_path)
        return send(res, 422, {
          errors: { deployment: ['ref, hash and archive_path are required'] },
        })
      // Assumed: one deployment per commit and ref (the real matching is not public).
      const existing = deployments.find((d) => d.hash === input.hash && d.ref === input.ref)
      if (existing) return send(res, 200, { data: { attributes: view(existing) } })
      const created: FakeDeployment = {
        id: nextId++,
        ref: input.ref,
        hash: input.hash,
        archive_path: input.archive_path,
        ...(input.stack !== undefined && { stack: input.stack }),
        configurations: [],
      }
      deployments.push(created)
      return send(res, 201, { data: { attributes: view(created) } })
    }
    if (
      req.method === 'POST' &&
      (match = /^\/publish\/deployments\/([^/]+)\/configurations$/.exec(url.pathname))
    ) {
      const deployment = deployments.find((d) => String(d.id) === match![1])
      if (!deployment) return send(res, 404, { errors: { detail: 'Not Found' } })
      const payload = (body as { configuration?: { payload?: unknown } } | undefined)?.configuration
        ?.payload
      if (!payload) return send(res, 422, { errors: { payload: ["can't be blank"] } })
      const known = deployment.configurations.some(
        (c) => JSON.stringify(c) === JSON.stringify(payload),
      )
      if (known) return send(res, 200, { data: { id: deployment.id } })
      deployment.configurations.push(payload)
      return send(res, 201, { data: { id: deployment.id } })
    }
    send(res, 404, { errors: { detail: `no route ${route}` } })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    ...tokens,
    requests,
    deployments,
    get storage() {
      return storage
    },
    set storage(value) {
      storage = value
    },
    fail: (route, times, how) => void failures.push({ route, left: times, how }),
    routes: () => requests.map((r) => `${r.method} ${r.path}`),
    reset: () => {
      requests.length = 0
      deployments.length = 0
      failures.length = 0
      nextId = 1
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function view(d: FakeDeployment) {
  return {
    id: d.id,
    ref: d.ref,
    hash: d.hash,
    archive_path: d.archive_path,
    ...(d.stack !== undefined && { stack: d.stack }),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString()))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

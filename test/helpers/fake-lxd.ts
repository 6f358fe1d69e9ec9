import { createServer, type Server } from 'node:http'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/*
 * What an Instellar host gives a service's environment script: LXD's /dev/lxd/sock, which
 * answers GET /1.0/config/user.<key> with the value as text, and the installation endpoint on
 * 127.0.0.1, which answers 200 with the installation's variables for the right bearer token.
 * Mount `socket` at /dev/lxd/sock in a container on the host network; the real curl of the
 * container then talks to both.
 */

export interface FakeInstellarHost {
  /** The unix socket to mount at /dev/lxd/sock. */
  socket: string
  /** Requests seen, `<server> <method> <path>`, for assertions. */
  requests: string[]
  close(): Promise<void>
}

const TOKEN = 'bot-token-for-tests'

export async function startFakeInstellarHost(
  variables: Record<string, string>,
): Promise<FakeInstellarHost> {
  const requests: string[] = []
  const endpoint = createServer((request, response) => {
    requests.push(`endpoint ${request.method} ${request.url}`)
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end('{"errors":["unauthorized"]}')
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ data: { attributes: { variables } } }))
  })
  const port = await listen(endpoint, { host: '127.0.0.1', port: 0 })

  const config: Record<string, string> = {
    'user.INSTELLAR_INSTALLATION_ENDPOINT': `http://127.0.0.1:${port}/installation`,
    'user.INSTELLAR_BOT_TOKEN': TOKEN,
  }
  const lxd = createServer((request, response) => {
    requests.push(`lxd ${request.method} ${request.url}`)
    const key = /^\/1\.0\/config\/(.+)$/.exec(request.url ?? '')?.[1]
    const value = key === undefined ? undefined : config[key]
    if (value === undefined) response.writeHead(404).end('not found')
    else response.writeHead(200, { 'content-type': 'text/plain' }).end(value)
  })
  const dir = mkdtempSync(join(tmpdir(), 'pakman-lxd-'))
  const socket = join(dir, 'sock')
  await listen(lxd, { path: socket })
  chmodSync(socket, 0o666)

  return {
    socket,
    requests,
    close: async () => {
      await Promise.all([endpoint, lxd].map((s) => new Promise((done) => s.close(done))))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function listen(server: Server, at: { host: string; port: number } | { path: string }) {
  return new Promise<number>((done, fail) => {
    server.once('error', fail)
    server.listen(at, () => {
      const address = server.address()
      done(typeof address === 'object' && address ? address.port : 0)
    })
  })
}

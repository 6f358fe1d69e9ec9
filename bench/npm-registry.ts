// A loopback npm registry for bench/dependency-cache.sh: serves a real dependency tree (packages
// taken from an installed node_modules, as npm's own lockfile names them) so that a real `npm ci`
// fetches it as it would from registry.npmjs.org, with a delay per request standing in for a real
// registry's round trip. Only tarballs are served: the lockfile written for the bench app has
// `resolved` and `integrity` for every package, so `npm ci` asks for no metadata.
//
// Usage: node_modules/.bin/node bench/npm-registry.ts --lock package-lock.json --store DIR
//          --app DIR [--latency MS] [--hold-out NAME]
//   --lock      an installed tree's package-lock.json (v3); its node_modules beside it is packed
//   --store     where the tarballs go (one .tgz per package, `package/...` as `npm pack` lays it out)
//   --app       where the bench app's package.json and package-lock.json are written: the
//               production dependencies of --lock's root, and the packages they pull in
//   --hold-out  a root dependency left out of the app's files, and added in package*.json.plus:
//               a changed lockfile that needs one more download
// Listens on 127.0.0.1 only (a free port), prints `ready PORT PACKAGES BYTES` once the app's files
// are written, then one `GET path` line per request, and serves until it is killed.
// (Node strips the types.)
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { parseArgs, promisify } from 'node:util'

const { values } = parseArgs({
  options: {
    lock: { type: 'string' },
    store: { type: 'string' },
    app: { type: 'string' },
    latency: { type: 'string', default: '30' },
    'hold-out': { type: 'string' },
  },
})
if (!values.lock || !values.store || !values.app) throw new Error('--lock, --store and --app')
const lockFile = resolve(values.lock)
const root = dirname(lockFile)
const store = resolve(values.store)
const latency = Number(values.latency)
const heldOut = values['hold-out']

interface LockEntry {
  version?: string
  resolved?: string
  integrity?: string
  link?: boolean
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  peer?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  [field: string]: unknown
}
const lock = JSON.parse(await readFile(lockFile, 'utf8')) as {
  name: string
  packages: Record<string, LockEntry>
}
const rootEntry = lock.packages['']!

/** Where npm finds `name` for the package at `from`: its own node_modules, then its parents'. */
function locate(from: string, name: string): string | undefined {
  for (let dir = from; ;) {
    const path = `${dir ? `${dir}/` : ''}node_modules/${name}`
    if (lock.packages[path]) return path
    if (!dir) return undefined
    const cut = dir.lastIndexOf('/node_modules/')
    dir = cut < 0 ? '' : dir.slice(0, cut)
  }
}

/** The lock entries `names` pull in from `from`, installed ones only (optional ones may be absent). */
function closure(names: string[]): Set<string> {
  const found = new Set<string>()
  const visit = (from: string, name: string) => {
    const path = locate(from, name)
    if (!path || found.has(path) || !existsSync(join(root, path, 'package.json'))) return
    found.add(path)
    const entry = lock.packages[path]!
    const optionalPeers = entry.peerDependenciesMeta ?? {}
    for (const dep of [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional),
    ])
      visit(path, dep)
  }
  for (const name of names) visit('', name)
  return found
}

/** Packs an installed package as `npm pack` lays it out; its own node_modules are other packages. */
async function pack(path: string, tarball: string): Promise<{ integrity: string; bytes: number }> {
  if (!existsSync(tarball)) {
    await promisify(execFile)('tar', [
      ...['-C', join(root, path), '--exclude=./node_modules', '--sort=name'],
      ...['--owner=0', '--group=0', '--numeric-owner', '--mtime=@499162500'],
      ...['--transform', 's,^\\.,package,', '-czf', tarball, '.'],
    ])
  }
  const data = await readFile(tarball)
  return {
    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    bytes: data.length,
  }
}

const production = Object.keys(rootEntry.dependencies ?? {})
const appDeps = production.filter((name) => name !== heldOut)
const paths = [...closure(production)].sort()
await mkdir(store, { recursive: true })
const tarballs = new Map<string, { file: string; integrity: string; bytes: number }>()
// Packed a few at a time: gzip is the cost, and the machine has few CPUs.
for (let i = 0; i < paths.length; i += 4) {
  await Promise.all(
    paths.slice(i, i + 4).map(async (path) => {
      const entry = lock.packages[path]!
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
      const file = `${name.replace('/', '%2f')}-${entry.version}.tgz`
      tarballs.set(path, { file, ...(await pack(path, join(store, file))) })
    }),
  )
}

const server = createServer((request, response) => {
  process.stdout.write(`GET ${request.url}\n`)
  setTimeout(async () => {
    const file = decodeURIComponent(request.url ?? '').replace(/^\/tarballs\//, '')
    const path = join(store, file.replace('/', '%2f'))
    if (file.includes('..') || !existsSync(path)) {
      response.writeHead(404).end()
      return
    }
    const data = await readFile(path)
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': data.length,
    })
    response.end(data)
  }, latency)
})
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
const port = (server.address() as { port: number }).port

/** package.json and package-lock.json of an app depending on `names` (and what they pull in). */
function appFiles(names: string[]): { manifest: string; lockfile: string } {
  const wanted = closure(names)
  const dependencies = Object.fromEntries(names.map((n) => [n, rootEntry.dependencies![n]!]))
  const packages: Record<string, LockEntry> = {
    '': { name: 'bench-app', version: '1.0.0', dependencies },
  }
  for (const path of paths) {
    if (!wanted.has(path)) continue
    // Every package is the app's own dependency here: none is dev-only.
    const entry = { ...lock.packages[path]! }
    delete entry.dev
    delete entry.devOptional
    const { file, integrity } = tarballs.get(path)!
    packages[path] = { ...entry, resolved: `http://127.0.0.1:${port}/tarballs/${file}`, integrity }
  }
  const manifest = { name: 'bench-app', version: '1.0.0', private: true, dependencies }
  const lockfile = { name: 'bench-app', version: '1.0.0', lockfileVersion: 3, packages }
  return {
    manifest: `${JSON.stringify(manifest, null, 2)}\n`,
    lockfile: `${JSON.stringify(lockfile, null, 2)}\n`,
  }
}

const app = resolve(values.app)
await mkdir(app, { recursive: true })
const base = appFiles(appDeps)
await writeFile(join(app, 'package.json'), base.manifest)
await writeFile(join(app, 'package-lock.json'), base.lockfile)
if (heldOut) {
  const plus = appFiles(production)
  await writeFile(join(app, 'package.json.plus'), plus.manifest)
  await writeFile(join(app, 'package-lock.json.plus'), plus.lockfile)
}
const served = closure(appDeps)
let bytes = 0
for (const path of served) bytes += tarballs.get(path)!.bytes
process.stdout.write(`ready ${port} ${served.size} ${bytes}\n`)

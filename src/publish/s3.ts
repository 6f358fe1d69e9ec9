import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { dirname } from 'node:path'
import { readIndex } from '../apk/index.js'
import {
  bucketUrl,
  DEFAULT_RETRY,
  eachAtOnce,
  keyPath,
  PushError,
  S3Client,
  type RetryPolicy,
  type S3Bucket,
  type S3Credentials,
  type S3Options,
  type Secrets,
  type StoredObject,
} from '../remote/index.js'
import type { PhaseReporter } from '../report/index.js'
import {
  cacheControl,
  collectRepository,
  contentType,
  type RepositoryFile,
  type RepositoryFileKind,
} from './s3-files.js'

/*
 * upload: s3 and pakman publish s3: a signed repository to any S3-compatible bucket. The bucket is
 * listed first, and a file whose object has the same size and checksum is skipped, so a re-run
 * sends nothing. A package already there with other bytes is refused (a version never changes under
 * one name) unless overwrite is asked for. The order keeps the bucket usable at every moment:
 * packages, then each index (after everything it lists), then the keys, then the front page.
 * Nothing is deleted unless prune is asked for, and then only packages no index lists any more.
 */

export interface S3PublishSettings {
  /** A build's output (<repo>/<arch>/) or a merge's (<stack>/<repo>/<arch>/). */
  dir: string
  /** A build's stack, when its output has no pakman.json naming it. */
  stack?: string
  bucket: string
  /** Keys go under it: `<prefix>/<stack>/<repo>/<arch>/…`. */
  prefix?: string
  /** Default: us-east-1 (the front ends pass AWS_REGION first). */
  region?: string
  /** The S3 API for a store other than AWS; default: https://s3.<region>.amazonaws.com. */
  endpoint?: string
  pathStyle?: boolean
  /** Where users fetch the repository (a CDN, a custom domain); default: the bucket's own URL. */
  repositoryUrl?: string
  credentials: S3Credentials
  overwrite?: boolean
  prune?: boolean
  /** Files compared and uploaded at once (default: 4). */
  concurrency?: number
  retry?: RetryPolicy
  /** The credentials are added as they are taken; every line and error is redacted. */
  secrets: Secrets
  /** Progress lines, and how the front end spells each setting in messages. */
  reporter: PhaseReporter
  /** Cancels the publish: uploads in flight stop and abort, and nothing more is sent. */
  signal?: AbortSignal
  /** For tests: how requests go out. */
  fetch?: S3Options['fetch']
}

export interface S3Published {
  /** The repository's public base URL: the keys are at its top, `<stack>/<repo>` below. */
  repositoryUrl: string
  /** `s3://bucket/prefix`, for messages. */
  location: string
  /** What users add to /etc/apk/repositories: `<repositoryUrl>/<stack>/<repo>`. */
  repositories: string[]
  /** The public key files at the top. */
  keys: string[]
  /** Names below the prefix. */
  uploaded: string[]
  /** Packages with other bytes under the same name, replaced as overwrite asked. */
  replaced: string[]
  /** Already in the bucket with the same size and checksum. */
  skipped: string[]
  /** Packages no index lists any more, deleted as prune asked. */
  pruned: string[]
}

interface Checked {
  bucket: S3Bucket
  prefix: string
  repositoryUrl: string
}

/** Refuses settings no publish could succeed with, naming the setting, before any request. */
export function checkS3Settings(settings: S3PublishSettings): Checked {
  const { option } = settings.reporter
  const name = settings.bucket.trim()
  if (!name) throw new Error(`${option('s3-bucket')} is needed: the bucket to publish to`)
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(name))
    throw new Error(`${option('s3-bucket')}: ${JSON.stringify(name)} is not a bucket name`)
  const region = settings.region?.trim() || 'us-east-1'
  const endpoint = settings.endpoint?.trim() || `https://s3.${region}.amazonaws.com`
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new Error(`${option('s3-endpoint')}: ${JSON.stringify(endpoint)} is not a URL`)
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.username)
    throw new Error(
      `${option('s3-endpoint')}: ${JSON.stringify(endpoint)} must be an http(s) origin, such as https://<account>.r2.cloudflarestorage.com, without a path`,
    )
  const pathStyle = !!settings.pathStyle
  if (!pathStyle) {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) || host === 'localhost')
      throw new Error(
        `${option('s3-endpoint')} ${endpoint} is an address, where no bucket can be a host name: set ${option('s3-path-style')}`,
      )
    if (!/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/.test(name) || name.length > 63)
      throw new Error(
        `${option('s3-bucket')} ${name} cannot be a host name (virtual-host addressing): set ${option('s3-path-style')}`,
      )
  }
  const rawPrefix = settings.prefix?.trim() ?? ''
  const segments = rawPrefix.split('/').filter(Boolean)
  if (segments.some((s) => s === '.' || s === '..'))
    throw new Error(`${option('s3-prefix')}: ${JSON.stringify(rawPrefix)} has . or .. in it`)
  const prefix = segments.join('/')
  const bucket = { endpoint: url.origin, bucket: name, region, pathStyle }
  const given = settings.repositoryUrl?.trim()
  if (given && !/^https?:\/\/[^/]/.test(given))
    throw new Error(`${option('repository-url')}: ${JSON.stringify(given)} is not an http(s) URL`)
  const repositoryUrl = (
    given || `${bucketUrl(bucket)}${prefix ? `/${keyPath(prefix)}` : ''}`
  ).replace(/\/+$/, '')
  return { bucket, prefix, repositoryUrl }
}

type Verdict = 'new' | 'same' | 'changed'

/** Publishes `settings.dir`; a package that changed under its name fails it before any upload. */
export async function publishS3(settings: S3PublishSettings): Promise<S3Published> {
  const { secrets } = settings
  const redact = (text: string) => secrets.redact(text)
  for (const secret of Object.values(settings.credentials)) secrets.add(secret)
  try {
    return await publish(settings, secrets.redacting(settings.reporter), redact)
  } catch (error) {
    // No secret leaves in an error message, whatever a server echoed back.
    if (error instanceof Error) error.message = redact(error.message)
    throw error
  }
}

async function publish(
  settings: S3PublishSettings,
  reporter: PhaseReporter,
  redact: (text: string) => string,
): Promise<S3Published> {
  const { bucket, prefix, repositoryUrl } = checkS3Settings(settings)
  const { signal } = settings
  const concurrency = settings.concurrency ?? 4
  const tree = await collectRepository(settings.dir, settings.stack, reporter.option('stack'))
  if (tree.left.length)
    reporter.info(`not published (not part of the repository): ${tree.left.join(', ')}`)
  const client = new S3Client(bucket, settings.credentials, {
    retry: settings.retry ?? DEFAULT_RETRY,
    log: (line) => reporter.info(line),
    redact,
    ...(settings.fetch && { fetch: settings.fetch }),
  })
  const location = `${client.location}${prefix ? `/${prefix}` : ''}`
  const keyOf = (name: string) => (prefix ? `${prefix}/${name}` : name)

  const stored = new Map(
    (await client.list(prefix ? `${prefix}/` : '', signal)).map((o) => [o.key, o]),
  )
  const verdicts = await eachAtOnce(
    'compare with the bucket',
    tree.files,
    concurrency,
    (file, stop) => compare(client, file, stored.get(keyOf(file.name)), stop),
    signal,
  )
  const changed = tree.files.filter((_, i) => verdicts[i] === 'changed')
  const refused = changed.filter((f) => f.name.endsWith('.apk'))
  if (refused.length && !settings.overwrite)
    throw new PushError(
      `publish to ${location}`,
      `${refused.length} package${refused.length === 1 ? ' is' : 's are'} in the bucket already with other bytes: ${refused.map((f) => f.name).join(', ')}. A version must not change under its name: raise the build number (pkgrel), or set ${reporter.option('s3-overwrite')} to replace them. Nothing was uploaded.`,
    )
  const sending = tree.files.filter((_, i) => verdicts[i] !== 'same')
  const skipped = tree.files.filter((_, i) => verdicts[i] === 'same').map((f) => f.name)
  if (skipped.length) reporter.info(`${skipped.length} unchanged in ${location}, not sent again`)
  const phases: RepositoryFileKind[] = ['package', 'index', 'key', 'page']
  for (const kind of phases)
    await eachAtOnce(
      'upload',
      sending.filter((f) => f.kind === kind),
      concurrency,
      (file, stop) =>
        client.upload(
          keyOf(file.name),
          file.path,
          {
            contentType: contentType(file.name),
            cacheControl: cacheControl(file),
            metadata: { sha256: file.sha256 },
          },
          stop,
        ),
      signal,
    )
  for (const file of refused) reporter.info(`replaced ${file.name} (overwrite)`)

  const pruned = settings.prune
    ? await prune(client, tree.files, stored, keyOf, concurrency, signal)
    : []
  for (const name of pruned) reporter.info(`deleted ${name} (prune: no index lists it)`)
  const stacks = [
    ...new Set(tree.files.filter((f) => f.kind === 'index').map((f) => dirname(dirname(f.name)))),
  ].sort()
  return {
    repositoryUrl,
    location,
    repositories: stacks.map((dir) => `${repositoryUrl}/${dir}`),
    keys: tree.files.filter((f) => f.kind === 'key').map((f) => f.name),
    uploaded: sending.map((f) => f.name),
    replaced: refused.map((f) => f.name),
    skipped,
    pruned: pruned.map((key) => (prefix ? key.slice(prefix.length + 1) : key)),
  }
}

/**
 * Is the object the file's bytes? Sizes first; then the ETag, which is the MD5 of a single PUT;
 * else (a multipart upload's ETag) the SHA-256 we stored beside it.
 */
async function compare(
  client: S3Client,
  file: RepositoryFile,
  object: StoredObject | undefined,
  signal: AbortSignal,
): Promise<Verdict> {
  if (!object) return 'new'
  if (object.size !== file.size) return 'changed'
  if (object.etag === file.md5) return 'same'
  const head = await client.head(object.key, signal)
  if (!head) return 'new' // deleted since the listing
  return head.metadata.sha256 === file.sha256 ? 'same' : 'changed'
}

/**
 * Deletes the packages (and the SBOMs beside them) in each directory this publish sent an index
 * for that the index no longer lists. Other directories, and anything not a package, are left.
 */
async function prune(
  client: S3Client,
  files: RepositoryFile[],
  stored: Map<string, StoredObject>,
  keyOf: (name: string) => string,
  concurrency: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const doomed: string[] = []
  for (const index of files.filter((f) => f.kind === 'index')) {
    const dir = dirname(index.name)
    const listed = new Set(
      readIndex(await readFile(index.path)).entries.map((e) => `${e.name}-${e.version}`),
    )
    const under = `${keyOf(dir)}/`
    for (const key of stored.keys()) {
      const rest = key.slice(under.length)
      if (!key.startsWith(under) || rest.includes('/')) continue
      const stem = rest.replace(/\.apk$|\.spdx\.json$/, '')
      if (stem !== rest && !listed.has(stem)) doomed.push(key)
    }
  }
  await eachAtOnce('prune', doomed, concurrency, (key, stop) => client.delete(key, stop), signal)
  return doomed.sort()
}

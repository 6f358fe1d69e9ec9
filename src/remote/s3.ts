import { createHash } from 'node:crypto'
import { open, readFile, stat } from 'node:fs/promises'
import { AwsClient } from 'aws4fetch'
import { describeNetworkError, excerpt, PushError, stopReason } from './errors.js'
import { eachAtOnce } from './pool.js'
import { isTransientStatus, retryAfterMs, withRetry, type RetryPolicy } from './retry.js'

/*
 * An S3-compatible bucket (AWS S3, R2, MinIO, Backblaze, GCS interop) through the S3 REST API,
 * signed with SigV4 by aws4fetch. Path-style (<endpoint>/<bucket>/<key>) or virtual-host
 * (<bucket>.<endpoint host>/<key>) addressing. A file up to one part is one PUT, a larger one a
 * multipart upload in 5 MiB parts; a failed multipart upload is aborted, so no parts are left
 * behind. Every call is tried again on 5xx, 429 and dropped connections, never on another 4xx.
 */

export interface S3Bucket {
  /** The S3 API's origin, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000. */
  endpoint: string
  bucket: string
  region: string
  /** <endpoint>/<bucket>/<key>, as MinIO and most self-hosted stores want; else virtual-host. */
  pathStyle: boolean
}

export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  /** A temporary credential's token (AWS_SESSION_TOKEN, as OIDC role sessions give). */
  sessionToken?: string
}

export interface Uploaded {
  key: string
  size: number
  parts: number
}

/** An object as a listing or a HEAD shows it. */
export interface StoredObject {
  key: string
  size: number
  /** Without quotes; the MD5 of the bytes for a single-part upload, not for a multipart one. */
  etag: string
}

export interface ObjectHead extends StoredObject {
  /** x-amz-meta-* values, by the name after the prefix, lower case. */
  metadata: Record<string, string>
  contentType?: string
  cacheControl?: string
}

export interface PutOptions {
  contentType?: string
  cacheControl?: string
  /** Stored as x-amz-meta-<name>. */
  metadata?: Record<string, string>
  /** A multipart upload even for a file of one part (the Instellar push, as the original did). */
  multipart?: boolean
}

export const PART_SIZE = 5 * 1024 * 1024

export interface S3Options {
  retry: RetryPolicy
  log: (line: string) => void
  redact: (text: string) => string
  partSize?: number
  /** Parts of one file in flight at once (the original: 4). */
  partConcurrency?: number
  timeoutMs?: number
  /** How a signed request goes out; tests send virtual-host names to a loopback server. */
  fetch?: (request: Request, init: { signal: AbortSignal }) => Promise<Response>
}

/** Where keys of `bucket` live: `<endpoint>/<bucket>` or `<scheme>://<bucket>.<host>`. */
export function bucketUrl(bucket: S3Bucket): string {
  // new URL drops a default port, so the signed host matches what is sent
  const origin = new URL(bucket.endpoint)
  if (bucket.pathStyle) return `${origin.origin}/${encodeURIComponent(bucket.bucket)}`
  return `${origin.protocol}//${bucket.bucket}.${origin.host}`
}

/** A key as a URL path: each segment encoded, the slashes kept. */
export function keyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

interface Answer {
  status: number
  headers: Headers
  text: string
}

interface Call {
  body?: Buffer
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Statuses that are an answer, not a failure (404 for HEAD of a missing object). */
  accept?: number[]
}

export class S3Client {
  private readonly client: AwsClient
  private readonly base: string
  /** For messages: `s3://bucket`. */
  readonly location: string

  constructor(
    bucket: S3Bucket,
    credentials: S3Credentials,
    private readonly options: S3Options,
  ) {
    this.client = new AwsClient({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken && { sessionToken: credentials.sessionToken }),
      service: 's3',
      region: bucket.region,
      retries: 0, // retried here, with the same policy as every other call
    })
    this.base = bucketUrl(bucket)
    this.location = `s3://${bucket.bucket}`
  }

  /** Uploads `file` to `key`; rejects with a PushError naming the key and the status. */
  async upload(
    key: string,
    file: string,
    put: PutOptions = {},
    signal?: AbortSignal,
  ): Promise<Uploaded> {
    const partSize = this.options.partSize ?? PART_SIZE
    const { size } = await stat(file)
    if (!put.multipart && size <= partSize) {
      await this.send(`upload ${key}`, 'PUT', this.url(key), {
        body: await readFile(file),
        headers: putHeaders(put),
        ...(signal && { signal }),
      })
      this.options.log(`uploaded ${key} (${size} bytes)`)
      return { key, size, parts: 1 }
    }
    return this.uploadParts(key, file, size, put, signal)
  }

  /** The object's size, ETag and metadata; undefined when there is none. */
  async head(key: string, signal?: AbortSignal): Promise<ObjectHead | undefined> {
    const answer = await this.send(`look up ${key}`, 'HEAD', this.url(key), {
      accept: [404],
      ...(signal && { signal }),
    })
    if (answer.status === 404) return undefined
    const metadata: Record<string, string> = {}
    for (const [name, value] of answer.headers)
      if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value
    const contentType = answer.headers.get('content-type')
    const cacheControl = answer.headers.get('cache-control')
    return {
      key,
      size: Number(answer.headers.get('content-length') ?? 0),
      etag: unquote(answer.headers.get('etag') ?? ''),
      metadata,
      ...(contentType && { contentType }),
      ...(cacheControl && { cacheControl }),
    }
  }

  /** Every object whose key starts with `prefix` (ListObjectsV2, page after page). */
  async list(prefix: string, signal?: AbortSignal): Promise<StoredObject[]> {
    const found: StoredObject[] = []
    let token: string | undefined
    do {
      // the bucket itself: /<bucket> path-style (as the SDKs sign it), / on its virtual host
      const url = new URL(this.base)
      url.searchParams.set('list-type', '2')
      if (prefix) url.searchParams.set('prefix', prefix)
      if (token) url.searchParams.set('continuation-token', token)
      const { text } = await this.send(`list ${prefix || 'the bucket'}`, 'GET', url.href, {
        ...(signal && { signal }),
      })
      for (const [, entry] of text.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = xmlValue(entry!, 'Key')
        if (key === undefined) continue
        found.push({
          key,
          size: Number(xmlValue(entry!, 'Size') ?? 0),
          etag: unquote(xmlValue(entry!, 'ETag') ?? ''),
        })
      }
      token =
        xmlValue(text, 'IsTruncated') === 'true' ? xmlValue(text, 'NextContinuationToken') : ''
    } while (token)
    return found
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.send(`delete ${key}`, 'DELETE', this.url(key), { ...(signal && { signal }) })
  }

  private url(key: string): string {
    return `${this.base}/${keyPath(key)}`
  }

  private async uploadParts(
    key: string,
    file: string,
    size: number,
    put: PutOptions,
    signal?: AbortSignal,
  ): Promise<Uploaded> {
    const partSize = this.options.partSize ?? PART_SIZE
    const count = Math.max(1, Math.ceil(size / partSize)) // an empty file still gets one part
    const url = this.url(key)
    const step = `upload ${key}`

    // Not cancelled by `signal`: an upload the server has opened must be known, so it can be aborted.
    const initiated = await this.send(step, 'POST', `${url}?uploads`, {
      headers: putHeaders(put),
    })
    const uploadId = xmlValue(initiated.text, 'UploadId')
    if (!uploadId)
      throw new PushError(step, `no UploadId in the answer: ${excerpt(initiated.text)}`)
    const target = `${url}?uploadId=${encodeURIComponent(uploadId)}`
    if (signal?.aborted) {
      await this.abort(step, target)
      throw new PushError(step, `stopped: ${stopReason(signal)}`)
    }

    // The first failure stops the other parts; the upload is then aborted, once all have stopped
    // (the pool returns only when no part is in flight).
    let failure: { error: unknown } | undefined
    const handle = await open(file, 'r')
    try {
      const etags: string[] = new Array(count)
      const indexes = Array.from({ length: count }, (_, index) => index)
      try {
        await eachAtOnce(
          step,
          indexes,
          this.options.partConcurrency ?? 4,
          async (index, partSignal) => {
            const length = Math.min(partSize, size - index * partSize)
            const chunk = Buffer.alloc(length)
            if (length) await handle.read(chunk, 0, length, index * partSize)
            const part = await this.send(
              `${step} (part ${index + 1} of ${count})`,
              'PUT',
              `${url}?partNumber=${index + 1}&uploadId=${encodeURIComponent(uploadId)}`,
              { body: chunk, signal: partSignal },
            )
            const etag = part.headers.get('etag')
            if (!etag)
              throw new PushError(
                `${step} (part ${index + 1} of ${count})`,
                'the storage did not return an ETag for the part',
              )
            etags[index] = etag
          },
          signal,
        )
      } catch (error) {
        failure = { error }
      }
      if (!failure) {
        const body = `<CompleteMultipartUpload>${etags
          .map(
            (etag, i) =>
              `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`,
          )
          .join('')}</CompleteMultipartUpload>`
        try {
          const completed = await this.send(step, 'POST', target, {
            body: Buffer.from(body),
            ...(signal && { signal }),
          })
          // S3 can answer 200 and still report an error in the body
          if (/<Error>/.test(completed.text))
            failure = {
              error: new PushError(step, `the upload did not complete: ${excerpt(completed.text)}`),
            }
        } catch (error) {
          failure = { error }
        }
      }
    } finally {
      await handle.close()
    }
    if (failure) {
      await this.abort(step, target)
      const { error } = failure
      throw error instanceof PushError
        ? error
        : new PushError(step, (error as Error | undefined)?.message ?? String(error))
    }
    this.options.log(`uploaded ${key} (${size} bytes, ${count} part${count === 1 ? '' : 's'})`)
    return { key, size, parts: count }
  }

  /** Best effort: a failed abort is logged, the original error is what the user needs. */
  private async abort(step: string, target: string): Promise<void> {
    try {
      await this.send(`${step} (abort)`, 'DELETE', target)
      this.options.log(`${step}: aborted the multipart upload`)
    } catch (error) {
      this.options.log(
        `${step}: could not abort the multipart upload (${(error as Error).message}); the bucket's lifecycle rules must clean it up`,
      )
    }
  }

  /** One signed request, tried again on 5xx, 429, dropped connections and timeouts. */
  private send(step: string, method: string, url: string, call: Call = {}): Promise<Answer> {
    const { redact, retry, log, timeoutMs = 120_000 } = this.options
    const { body, signal } = call
    const hash = createHash('sha256')
      .update(body ?? Buffer.alloc(0))
      .digest('hex')
    const transport = this.options.fetch ?? ((request, init) => fetch(request, init))
    return withRetry(
      async () => {
        let response: Response
        try {
          const request = await this.client.sign(url, {
            method,
            headers: { ...call.headers, 'x-amz-content-sha256': hash },
            ...(body && { body }),
          })
          const timeout = AbortSignal.timeout(timeoutMs)
          response = await transport(request, {
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          })
        } catch (error) {
          if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`)
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true })
        }
        const text = await response.text().catch(() => '')
        if (response.ok || call.accept?.includes(response.status))
          return { status: response.status, headers: response.headers, text }
        throw new PushError(step, redact(`${method} ${failureText(response, text)}`), {
          status: response.status,
          transient: isTransientStatus(response.status),
          ...retryAfter(response),
        })
      },
      retry,
      (line) => log(redact(line)),
      signal,
    )
  }
}

/** `answered HTTP 403 (AccessDenied: …)`, and the bucket's region when S3 says it is elsewhere. */
function failureText(response: Response, text: string): string {
  const code = xmlValue(text, 'Code')
  const message = xmlValue(text, 'Message')
  const detail = code ? `${code}${message ? `: ${message}` : ''}` : excerpt(text)
  const region = response.headers.get('x-amz-bucket-region')
  const hint = region && response.status === 301 ? `; the bucket is in ${region}` : ''
  return `answered HTTP ${response.status}${detail ? ` (${detail})` : ''}${hint}`
}

function retryAfter(response: Response): { retryAfterMs?: number } {
  const ms = retryAfterMs(response.headers.get('retry-after'))
  return ms === undefined ? {} : { retryAfterMs: ms }
}

function putHeaders(put: PutOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  if (put.contentType) headers['content-type'] = put.contentType
  if (put.cacheControl) headers['cache-control'] = put.cacheControl
  for (const [name, value] of Object.entries(put.metadata ?? {}))
    headers[`x-amz-meta-${name}`] = value
  return headers
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '')
}

function xmlValue(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  return match?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

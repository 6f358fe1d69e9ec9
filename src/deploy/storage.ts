import { createHash } from 'node:crypto'
import { open, stat } from 'node:fs/promises'
import { AwsClient } from 'aws4fetch'
import { describeNetworkError, excerpt, PushError, stopReason } from './errors.js'
import { isTransientStatus, retryAfterMs, withRetry, type RetryPolicy } from './retry.js'
import type { StorageCredentials } from './platform.js'

/*
 * Object storage. Storage is the narrow interface the push uploads through; S3Storage is the S3
 * REST API, signed with SigV4 by aws4fetch, path-style (<scheme>://<host>:<port>/<bucket>/<key>),
 * every file as a multipart upload in 5 MiB parts as the original did. A failed upload is aborted
 * so no parts are left behind in the bucket.
 */

export interface Uploaded {
  key: string
  size: number
  parts: number
}

export interface Storage {
  /** Where objects go, for messages: `s3://bucket`. */
  readonly location: string
  /** Uploads a file to `key`; rejects with a PushError naming the key and the status. */
  upload(key: string, file: string, signal?: AbortSignal): Promise<Uploaded>
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
}

export class S3Storage implements Storage {
  private readonly client: AwsClient
  private readonly base: string
  readonly location: string

  constructor(
    credentials: StorageCredentials,
    private readonly options: S3Options,
  ) {
    this.client = new AwsClient({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      service: 's3',
      region: credentials.region,
      retries: 0, // retried here, the same way as the platform calls
    })
    // new URL drops a default port, so the signed host matches what is sent
    const origin = new URL(`${credentials.scheme}://${credentials.host}:${credentials.port}`)
    this.base = `${origin.origin}/${encodeURIComponent(credentials.bucket)}`
    this.location = `s3://${credentials.bucket}`
  }

  async upload(key: string, file: string, signal?: AbortSignal): Promise<Uploaded> {
    const partSize = this.options.partSize ?? PART_SIZE
    const { size } = await stat(file)
    const count = Math.max(1, Math.ceil(size / partSize)) // an empty file still gets one part
    const url = `${this.base}/${key.split('/').map(encodeURIComponent).join('/')}`
    const step = `upload ${key}`

    // Not cancelled by `signal`: an upload the server has opened must be known, so it can be aborted.
    const initiated = await this.send(step, 'POST', `${url}?uploads`)
    const uploadId = xmlValue(initiated, 'UploadId')
    if (!uploadId) throw new PushError(step, `no UploadId in the answer: ${excerpt(initiated)}`)
    const target = `${url}?uploadId=${encodeURIComponent(uploadId)}`
    if (signal?.aborted) {
      await this.abort(step, target)
      throw new PushError(step, `stopped: ${stopReason(signal)}`)
    }

    // The first failure stops the other parts; the upload is then aborted, once all have stopped.
    const stop = new AbortController()
    const partSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal
    let failure: unknown
    const handle = await open(file, 'r')
    try {
      const etags: string[] = new Array(count)
      let next = 0
      const worker = async () => {
        try {
          while (next < count && !partSignal.aborted) {
            const index = next++
            const length = Math.min(partSize, size - index * partSize)
            const chunk = Buffer.alloc(length)
            if (length) await handle.read(chunk, 0, length, index * partSize)
            etags[index] = await this.putPart(
              `${step} (part ${index + 1} of ${count})`,
              `${url}?partNumber=${index + 1}&uploadId=${encodeURIComponent(uploadId)}`,
              chunk,
              partSignal,
            )
          }
        } catch (error) {
          failure ??= error
          stop.abort()
        }
      }
      await Promise.all(
        Array.from({ length: Math.min(count, this.options.partConcurrency ?? 4) }, worker),
      )
      if (!failure && signal?.aborted)
        failure = new PushError(step, `stopped: ${stopReason(signal)}`)
      if (!failure) {
        const body = `<CompleteMultipartUpload>${etags
          .map(
            (etag, i) =>
              `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`,
          )
          .join('')}</CompleteMultipartUpload>`
        try {
          const completed = await this.send(step, 'POST', target, Buffer.from(body), signal)
          // S3 can answer 200 and still report an error in the body
          if (/<Error>/.test(completed))
            failure = new PushError(step, `the upload did not complete: ${excerpt(completed)}`)
        } catch (error) {
          failure = error
        }
      }
    } finally {
      await handle.close()
    }
    if (failure) {
      await this.abort(step, target)
      throw failure instanceof PushError
        ? failure
        : new PushError(step, (failure as Error).message ?? String(failure))
    }
    this.options.log(`uploaded ${key} (${size} bytes, ${count} part${count === 1 ? '' : 's'})`)
    return { key, size, parts: count }
  }

  private async putPart(
    step: string,
    url: string,
    chunk: Buffer,
    signal?: AbortSignal,
  ): Promise<string> {
    let etag = ''
    await this.send(step, 'PUT', url, chunk, signal, (response) => {
      etag = response.headers.get('etag') ?? ''
    })
    if (!etag) throw new PushError(step, 'the storage did not return an ETag for the part')
    return etag
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
  private send(
    step: string,
    method: string,
    url: string,
    body?: Buffer,
    signal?: AbortSignal,
    onResponse?: (response: Response) => void,
  ): Promise<string> {
    const { redact, retry, log, timeoutMs = 120_000 } = this.options
    const payload = body ?? Buffer.alloc(0)
    const hash = createHash('sha256').update(payload).digest('hex')
    return withRetry(
      async () => {
        let response: Response
        try {
          const request = await this.client.sign(url, {
            method,
            headers: { 'x-amz-content-sha256': hash },
            ...(body && { body }),
          })
          const timeout = AbortSignal.timeout(timeoutMs)
          response = await fetch(request, {
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          })
        } catch (error) {
          if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`)
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true })
        }
        const text = await response.text().catch(() => '')
        if (response.ok) {
          onResponse?.(response)
          return text
        }
        const code = xmlValue(text, 'Code')
        const message = xmlValue(text, 'Message')
        const detail = code ? `${code}${message ? `: ${message}` : ''}` : excerpt(text)
        const ms = retryAfterMs(response.headers.get('retry-after'))
        throw new PushError(
          step,
          redact(`${method} answered HTTP ${response.status}${detail ? ` (${detail})` : ''}`),
          {
            status: response.status,
            transient: isTransientStatus(response.status),
            ...(ms !== undefined && { retryAfterMs: ms }),
          },
        )
      },
      retry,
      (line) => log(redact(line)),
      signal,
    )
  }
}

function xmlValue(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  return match?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

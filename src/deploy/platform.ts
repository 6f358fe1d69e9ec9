import {
  describeNetworkError,
  excerpt,
  isTransientStatus,
  PushError,
  retryAfterMs,
  withRetry,
  type RetryPolicy,
  type Secrets,
} from '../remote/index.js'
import type { PhaseReporter } from '../report/index.js'

/*
 * The Instellar/OpsMaru platform API as `pakman push` uses it. Platform is the narrow interface
 * the push is written against; InstellarPlatform speaks HTTP to the real (or a fake) server.
 */

/** Object storage the platform hands out: the user's own S3-compatible bucket. */
export interface StorageCredentials {
  bucket: string
  host: string
  port: number
  scheme: 'http' | 'https'
  region: string
  accessKeyId: string
  secretAccessKey: string
}

export interface Deployment {
  id: string | number
  /** The S3 key of the deployment's zip. */
  archivePath?: string
}

export interface DeploymentInput {
  ref: string
  hash: string
  archive_path: string
  stack?: string
}

/** `kits`, `sizes`, `plans` and `page` of instellar.yml, as parsed. */
export interface ConfigurationPayload {
  kits: unknown[]
  sizes?: unknown
  plans?: unknown
  page?: unknown
}

export interface Platform {
  /** Trades INSTELLAR_AUTH_TOKEN for the session token later calls carry. */
  authenticate(): Promise<void>
  /** The deployment of this commit, if the platform has one. */
  findDeployment(hash: string): Promise<Deployment | undefined>
  storage(): Promise<StorageCredentials>
  /** created: false when the platform already had it (200). */
  createDeployment(input: DeploymentInput): Promise<{ deployment: Deployment; created: boolean }>
  createConfiguration(
    deployment: Deployment,
    payload: ConfigurationPayload,
  ): Promise<{ created: boolean }>
}

export const DEFAULT_ENDPOINT = 'https://opsmaru.com'

export interface PlatformOptions {
  endpoint: string
  authToken: string
  packageToken: string
  secrets: Secrets
  retry: RetryPolicy
  /** Where each request's status and each retry are told. */
  reporter: PhaseReporter
  /** Per request; a timeout counts as a dropped connection and is tried again. */
  timeoutMs?: number
  userAgent?: string
}

interface Answer {
  status: number
  body: unknown
  text: string
}

/** The platform over HTTP: JSON in and out, bearer plus package token after the callback. */
export class InstellarPlatform implements Platform {
  private session: string | undefined

  constructor(private readonly options: PlatformOptions) {}

  async authenticate(): Promise<void> {
    const step = 'authenticate (POST /publish/automation/callback)'
    const answer = await this.call(step, 'POST', '/publish/automation/callback', {
      auth_token: this.options.authToken,
    })
    if (answer.status === 404) {
      throw new PushError(
        step,
        'HTTP 404: the platform does not know INSTELLAR_AUTH_TOKEN (check the repository secret)',
        { status: 404 },
      )
    }
    this.expect(step, answer, [200, 201])
    const token = field(answer.body, ['data', 'token'])
    if (typeof token !== 'string' || !token)
      throw new PushError(step, `HTTP ${answer.status} without data.token in the answer`)
    this.options.secrets.add(token)
    this.session = token
  }

  async findDeployment(hash: string): Promise<Deployment | undefined> {
    const path = `/publish/deployments/${encodeURIComponent(hash)}`
    const step = `look up the deployment (GET ${path})`
    const answer = await this.call(step, 'GET', path)
    if (answer.status === 404) return undefined
    this.expect(step, answer, [200])
    const attributes = field(answer.body, ['data', 'attributes'])
    if (!isObject(attributes))
      throw new PushError(step, 'HTTP 200 without data.attributes in the answer')
    return toDeployment(attributes)
  }

  async storage(): Promise<StorageCredentials> {
    const step = 'get the storage credentials (GET /publish/storage)'
    const answer = await this.call(step, 'GET', '/publish/storage')
    this.expect(step, answer, [200])
    const attributes = field(answer.body, ['data', 'attributes'])
    const credentials = parseStorage(attributes, (message) => new PushError(step, message))
    this.options.secrets.add(credentials.secretAccessKey)
    this.options.secrets.add(credentials.accessKeyId)
    return credentials
  }

  async createDeployment(
    input: DeploymentInput,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const step = 'create the deployment (POST /publish/deployments)'
    const answer = await this.call(step, 'POST', '/publish/deployments', { deployment: input })
    this.expect(step, answer, [200, 201])
    const attributes = field(answer.body, ['data', 'attributes'])
    if (!isObject(attributes) || !isId(attributes.id))
      throw new PushError(step, `HTTP ${answer.status} without data.attributes.id in the answer`)
    return { deployment: toDeployment(attributes), created: answer.status === 201 }
  }

  async createConfiguration(
    deployment: Deployment,
    payload: ConfigurationPayload,
  ): Promise<{ created: boolean }> {
    const path = `/publish/deployments/${encodeURIComponent(String(deployment.id))}/configurations`
    const step = `send the configuration (POST ${path})`
    const answer = await this.call(step, 'POST', path, { configuration: { payload } })
    if (answer.status === 422) {
      throw new PushError(
        step,
        `HTTP 422: the platform refused the kits, sizes, plans or page of instellar.yml: ${excerpt(answer.text, 2000)}`,
        { status: 422 },
      )
    }
    this.expect(step, answer, [200, 201])
    return { created: answer.status === 201 }
  }

  /** One request, tried again on 5xx, 429, dropped connections and timeouts. */
  private call(step: string, method: string, path: string, json?: unknown): Promise<Answer> {
    const { endpoint, retry, reporter, timeoutMs = 30_000 } = this.options
    const url = `${endpoint.replace(/\/+$/, '')}${path}`
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'pakman-action',
    }
    if (json !== undefined) headers['content-type'] = 'application/json'
    if (this.session) {
      headers.authorization = `Bearer ${this.session}`
      headers['x-instellar-package-token'] = this.options.packageToken
    }
    const redact = (text: string) => this.options.secrets.redact(text)
    return withRetry(
      async () => {
        let response: Response
        try {
          response = await fetch(url, {
            method,
            headers,
            ...(json !== undefined && { body: JSON.stringify(json) }),
            signal: AbortSignal.timeout(timeoutMs),
          })
        } catch (error) {
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true })
        }
        const text = await response.text().catch(() => '')
        reporter.info(`${method} ${path} → ${response.status}`)
        if (isTransientStatus(response.status)) {
          throw new PushError(step, `HTTP ${response.status}: ${redact(excerpt(text))}`, {
            status: response.status,
            transient: true,
            ...optionalRetryAfter(response.headers.get('retry-after')),
          })
        }
        let body: unknown
        if (/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
          try {
            body = JSON.parse(text)
          } catch {
            throw new PushError(
              step,
              `HTTP ${response.status} with a body that is not JSON: ${redact(excerpt(text))}`,
              { status: response.status },
            )
          }
        }
        return { status: response.status, body, text: redact(text) }
      },
      retry,
      (line) => reporter.info(redact(line)),
    )
  }

  private expect(step: string, answer: Answer, statuses: number[]): void {
    if (statuses.includes(answer.status)) {
      if (answer.body === undefined)
        throw new PushError(step, `HTTP ${answer.status} without a JSON body`, {
          status: answer.status,
        })
      return
    }
    throw new PushError(step, `HTTP ${answer.status}: ${excerpt(answer.text)}`, {
      status: answer.status,
    })
  }
}

function optionalRetryAfter(header: string | null): { retryAfterMs?: number } {
  const ms = retryAfterMs(header)
  return ms === undefined ? {} : { retryAfterMs: ms }
}

/**
 * data.attributes of GET /publish/storage. All seven fields are required: the original passed a
 * missing one on as nil and failed later with a broken URL or signature.
 */
export function parseStorage(
  attributes: unknown,
  fail: (message: string) => Error,
): StorageCredentials {
  if (!isObject(attributes)) throw fail('the answer has no data.attributes')
  const credential = isObject(attributes.credential) ? attributes.credential : {}
  const text = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || !value.trim()) throw fail(`the storage answer has no ${name}`)
    return value.trim()
  }
  // "http://" in the original's tests, "https" elsewhere: both mean the same.
  const scheme = text(attributes.scheme, 'scheme').replace(/:\/*$/, '').toLowerCase()
  if (scheme !== 'http' && scheme !== 'https')
    throw fail(`the storage scheme ${JSON.stringify(scheme)} is not http or https`)
  const port = typeof attributes.port === 'string' ? Number(attributes.port) : attributes.port
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw fail(`the storage port ${JSON.stringify(attributes.port)} is not a port number`)
  return {
    bucket: text(attributes.bucket, 'bucket'),
    host: text(attributes.host, 'host'),
    port,
    scheme,
    region: text(attributes.region, 'region'),
    accessKeyId: text(credential.access_key_id, 'credential.access_key_id'),
    secretAccessKey: text(credential.secret_access_key, 'credential.secret_access_key'),
  }
}

function toDeployment(attributes: Record<string, unknown>): Deployment {
  return {
    id: isId(attributes.id) ? attributes.id : '',
    ...(typeof attributes.archive_path === 'string' && { archivePath: attributes.archive_path }),
  }
}

function isId(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || typeof value === 'number'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function field(body: unknown, path: string[]): unknown {
  let node = body
  for (const key of path) {
    if (!isObject(node)) return undefined
    node = node[key]
  }
  return node
}

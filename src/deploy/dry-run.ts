import { stat } from 'node:fs/promises'
import type {
  ConfigurationPayload,
  Deployment,
  DeploymentInput,
  Platform,
  StorageCredentials,
} from './platform.js'
import { PART_SIZE, type Uploaded } from '../remote/index.js'
import type { Storage } from './storage.js'
import type { PhaseReporter } from '../report/index.js'

/*
 * --dry-run: the same push, with a Platform and a Storage that print each call they would make
 * instead of making it. Nothing goes over the network; the platform is assumed not to know the
 * commit (the path that uploads), and the storage's bucket is whatever the platform would say.
 */

export class DryRunPlatform implements Platform {
  constructor(
    private readonly endpoint: string,
    private readonly reporter: PhaseReporter,
  ) {}

  private call(method: string, path: string, body?: unknown, note?: string): void {
    const json = body === undefined ? '' : ` ${JSON.stringify(body)}`
    this.reporter.info(
      `would ${method} ${this.endpoint.replace(/\/+$/, '')}${path}${json}${note ? `  # ${note}` : ''}`,
    )
  }

  async authenticate(): Promise<void> {
    this.call(
      'POST',
      '/publish/automation/callback',
      { auth_token: '***' },
      'INSTELLAR_AUTH_TOKEN for a session token',
    )
  }

  async findDeployment(hash: string): Promise<Deployment | undefined> {
    this.call(
      'GET',
      `/publish/deployments/${encodeURIComponent(hash)}`,
      undefined,
      "assumed 404 here; a 200 would reuse that deployment's archive and upload nothing",
    )
    return undefined
  }

  async storage(): Promise<StorageCredentials> {
    this.call('GET', '/publish/storage', undefined, 'the bucket and its keys')
    return {
      bucket: '<bucket>',
      host: '<host>',
      port: 443,
      scheme: 'https',
      region: '<region>',
      accessKeyId: '<key>',
      secretAccessKey: '<secret>',
    }
  }

  async createDeployment(
    input: DeploymentInput,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    this.call('POST', '/publish/deployments', { deployment: input })
    return { deployment: { id: '<id>', archivePath: input.archive_path }, created: true }
  }

  async createConfiguration(
    deployment: Deployment,
    payload: ConfigurationPayload,
  ): Promise<{ created: boolean }> {
    this.call('POST', `/publish/deployments/${deployment.id}/configurations`, {
      configuration: { payload },
    })
    return { created: true }
  }
}

export class DryRunStorage implements Storage {
  readonly location = 's3://<bucket>'

  constructor(private readonly reporter: PhaseReporter) {}

  async upload(key: string, file: string): Promise<Uploaded> {
    const { size } = await stat(file)
    const parts = Math.max(1, Math.ceil(size / PART_SIZE))
    this.reporter.info(
      `would upload ${this.location}/${key} (${size} bytes: POST ?uploads, ${parts} PUT ?partNumber, POST ?uploadId)`,
    )
    return { key, size, parts }
  }
}

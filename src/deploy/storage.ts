import { S3Client, type S3Options, type Uploaded } from '../remote/index.js'
import type { StorageCredentials } from './platform.js'

/*
 * Object storage as the push sees it. Storage is the narrow interface the push uploads through;
 * S3Storage is the platform's bucket, path-style, every file a multipart upload in 5 MiB parts as
 * the original did.
 */

export interface Storage {
  /** Where objects go, for messages: `s3://bucket`. */
  readonly location: string
  /** Uploads a file to `key`; rejects with a PushError naming the key and the status. */
  upload(key: string, file: string, signal?: AbortSignal): Promise<Uploaded>
}

export class S3Storage implements Storage {
  private readonly client: S3Client
  readonly location: string

  constructor(credentials: StorageCredentials, options: S3Options) {
    this.client = new S3Client(
      {
        endpoint: `${credentials.scheme}://${credentials.host}:${credentials.port}`,
        bucket: credentials.bucket,
        region: credentials.region,
        pathStyle: true,
      },
      credentials,
      options,
    )
    this.location = this.client.location
  }

  upload(key: string, file: string, signal?: AbortSignal): Promise<Uploaded> {
    return this.client.upload(key, file, { multipart: true }, signal)
  }
}

/*
 * Shared room: talking to remote services. Errors that name the step and the status, retries with
 * back-off for what is worth another try, secrets kept out of every line, and an S3 client for
 * any S3-compatible bucket. The Instellar push and the repository publish both go through here.
 */

export { describeNetworkError, excerpt, PushError, stopReason } from './errors.js'
export {
  DEFAULT_RETRY,
  isTransientStatus,
  retryAfterMs,
  withRetry,
  type RetryPolicy,
} from './retry.js'
export { eachAtOnce } from './pool.js'
export { Secrets } from './secrets.js'
export {
  bucketUrl,
  keyPath,
  PART_SIZE,
  S3Client,
  type S3Bucket,
  type S3Credentials,
  type S3Options,
  type StoredObject,
  type Uploaded,
} from './s3.js'

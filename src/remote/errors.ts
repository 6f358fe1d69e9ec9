/*
 * Errors of a push to a remote service (the Instellar platform, an S3 bucket). Every failure names the step it happened in and, for HTTP answers,
 * the status and what the server said, so a log reader knows what to fix without a stack trace.
 */

export interface PushErrorDetails {
  /** The HTTP status, when a server answered. */
  status?: number
  /** Worth trying again: 5xx, 429, a dropped connection or a timeout. */
  transient?: boolean
  /** How long the server asked us to wait (Retry-After). */
  retryAfterMs?: number
}

/** A failed step of a push: `step` is what was being done, e.g. "create the deployment". */
export class PushError extends Error {
  override name = 'PushError'
  readonly status: number | undefined
  readonly transient: boolean
  readonly retryAfterMs: number | undefined

  constructor(
    readonly step: string,
    message: string,
    details: PushErrorDetails = {},
  ) {
    super(`${step}: ${message}`)
    this.status = details.status
    this.transient = details.transient ?? false
    this.retryAfterMs = details.retryAfterMs
  }
}

/** A server's answer body, shortened for an error message. */
export function excerpt(body: string, limit = 600): string {
  const text = body.replace(/\s+/g, ' ').trim()
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}

/** What went wrong when no answer came: refused, reset, DNS, timeout. */
export function describeNetworkError(error: unknown): string {
  const e = error as {
    name?: string
    message?: string
    cause?: { code?: string; message?: string }
  }
  if (e?.name === 'TimeoutError') return 'no answer in time (timeout)'
  const cause = e?.cause?.code ?? e?.cause?.message
  return `connection failed (${cause ?? e?.message ?? String(error)})`
}

/**
 * Why an upload stopped, from the signal that stopped it: the reason its owner gave ("the run was
 * cancelled", "another upload failed"), else a sibling part or upload failed.
 */
export function stopReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'another upload failed'
}

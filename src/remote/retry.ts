import { setTimeout as sleep } from 'node:timers/promises'
import { PushError } from './errors.js'

/** How often and how patiently a call is tried again. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  /** The first wait; each later wait doubles, with jitter, up to maxDelayMs. */
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 }

/**
 * Runs `call` until it succeeds, fails for good, or runs out of attempts. Only transient
 * PushErrors (5xx, 429, connection errors, timeouts) are tried again; a 4xx is final at once.
 * A Retry-After the server sent (in `retryAfterMs`) is honoured up to maxDelayMs.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof PushError) || !error.transient || attempt >= policy.attempts)
        throw error
      if (signal?.aborted) throw error
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      const delay = Math.min(
        policy.maxDelayMs,
        error.retryAfterMs ?? Math.round(backoff / 2 + (Math.random() * backoff) / 2),
      )
      log(
        `${error.message}; trying again in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${policy.attempts})`,
      )
      // A cancel cuts the wait short (it could be 20 s) but not the loop: the next attempt meets
      // the aborted signal and fails the way the caller reports a stop, then that error is thrown.
      await sleep(delay, undefined, signal && { signal }).catch(() => undefined)
    }
  }
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** 5xx and 429 are worth another try; other statuses are the caller's fault. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429
}

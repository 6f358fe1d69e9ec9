import { describe, expect, it } from 'vitest'
import { PushError, withRetry, type RetryPolicy } from '../src/remote/index.js'

/*
 * withRetry, kept hand-written rather than p-retry: only transient PushErrors are tried again, a
 * server's Retry-After sets the wait (p-retry has no per-error delay), and a cancel ends the wait
 * at once while the error the caller sees stays the one its own call gives for a stop.
 */

const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }
const transient = (message: string, retryAfterMs?: number) =>
  new PushError('step', message, {
    transient: true,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  })

describe('withRetry', () => {
  it('tries a transient failure again, up to the attempts, logging each wait', async () => {
    const lines: string[] = []
    let calls = 0
    await expect(
      withRetry(
        async () => {
          calls++
          throw transient(`busy ${calls}`)
        },
        FAST,
        (line) => lines.push(line),
      ),
    ).rejects.toThrow('step: busy 3')
    expect(calls).toBe(3)
    expect(lines).toEqual([
      expect.stringMatching(/^step: busy 1; trying again in 0\.0s \(attempt 2 of 3\)$/),
      expect.stringMatching(/^step: busy 2; trying again in 0\.0s \(attempt 3 of 3\)$/),
    ])
  })

  it('returns the first success, and does not try again what is final', async () => {
    let calls = 0
    expect(
      await withRetry(
        async () => (++calls < 2 ? Promise.reject(transient('busy')) : 'done'),
        FAST,
        () => {},
      ),
    ).toBe('done')
    calls = 0
    const final = new PushError('step', 'HTTP 403', { status: 403 })
    await expect(
      withRetry(
        async () => {
          calls++
          throw final
        },
        FAST,
        () => {},
      ),
    ).rejects.toBe(final)
    expect(calls).toBe(1)
  })

  it('waits what Retry-After says, capped at maxDelayMs', async () => {
    const lines: string[] = []
    let calls = 0
    await withRetry(
      async () => (++calls < 2 ? Promise.reject(transient('slow down', 60_000)) : 'ok'),
      { attempts: 2, baseDelayMs: 1, maxDelayMs: 50 },
      (line) => lines.push(line),
    )
    expect(lines).toEqual(['step: slow down; trying again in 0.1s (attempt 2 of 2)'])
  })

  it('a cancel ends a long wait at once; the next call gives the stop error, which is thrown', async () => {
    const cancel = new AbortController()
    let calls = 0
    const started = Date.now()
    const run = withRetry(
      async () => {
        calls++
        if (cancel.signal.aborted)
          throw new PushError('step', 'stopped: cancelled', { transient: true })
        throw transient('busy', 20_000)
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 20_000 },
      () => setTimeout(() => cancel.abort(), 10),
      cancel.signal,
    )
    await expect(run).rejects.toThrow('step: stopped: cancelled')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(calls).toBe(2)
  })
})

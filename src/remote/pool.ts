import { PushError, stopReason } from './errors.js'

/**
 * Runs `work` on every item, `concurrency` at once, and returns the results in the items' order.
 * The one pool for every upload, delete and part: release assets, the push, the S3 publish and a
 * multipart upload's parts, so all of them stop the same way.
 *
 * Stopping: the first failure aborts the signal each `work` is given (so requests in flight abort
 * theirs) and no item starts after it; `cancel` does the same. This returns only once every
 * started `work` has settled (a multipart upload may be aborted only when no part is in flight),
 * then throws the first failure, or a PushError naming `step` when cancelled between items.
 */
export async function eachAtOnce<T, R>(
  step: string,
  items: readonly T[],
  concurrency: number,
  work: (item: T, signal: AbortSignal) => Promise<R>,
  cancel?: AbortSignal,
): Promise<R[]> {
  const stop = new AbortController()
  const signal = cancel ? AbortSignal.any([cancel, stop.signal]) : stop.signal
  // loaded on first use, so this module's place in the start-up chunk costs the CLI nothing
  const { default: pLimit } = await import('p-limit')
  const limit = pLimit(Math.max(1, concurrency))
  // boxed, so that even a thrown `undefined` counts as a failure
  let failure: { error: unknown } | undefined
  const results = await Promise.all(
    items.map((item) =>
      limit(async () => {
        // queued items are let through and skipped rather than cleared from p-limit's queue: a
        // cleared item's promise would never settle, and Promise.all would wait for ever
        if (signal.aborted) return undefined
        try {
          return await work(item, signal)
        } catch (error) {
          failure ??= { error }
          stop.abort() // the others stop with 'another upload failed' (stopReason)
          return undefined
        }
      }),
    ),
  )
  if (failure) throw failure.error
  // none failed, but a cancel between items left some out
  if (cancel?.aborted) throw new PushError(step, `stopped: ${stopReason(cancel)}`)
  return results as R[]
}

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
  const results: R[] = []
  // boxed, so that even a thrown `undefined` counts as a failure
  let failure: { error: unknown } | undefined
  let next = 0
  // Each worker takes the next item until none is left or the signal stops them all.
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const index = next++
      try {
        results[index] = await work(items[index]!, signal)
      } catch (error) {
        failure ??= { error }
        stop.abort() // the others stop with 'another upload failed' (stopReason)
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker),
  )
  if (failure) throw failure.error
  // none failed, but a cancel between items left some out
  if (cancel?.aborted) throw new PushError(step, `stopped: ${stopReason(cancel)}`)
  return results
}

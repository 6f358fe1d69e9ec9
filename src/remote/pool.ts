import { PushError, stopReason } from './errors.js'

/**
 * Runs `work` on every item, `concurrency` at once, and returns the results in the items' order.
 * The first failure stops the rest (the signal each is given aborts, so uploads in flight abort
 * theirs) and is what this throws; `cancel` stops it the same way.
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
  const results: R[] = new Array(items.length)
  let failure: unknown
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const index = next++
      try {
        results[index] = await work(items[index]!, signal)
      } catch (error) {
        failure ??= error
        stop.abort() // the others stop with 'another upload failed' (stopReason)
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  )
  if (failure) throw failure
  // none failed, but a cancel between items left some out
  if (cancel?.aborted) throw new PushError(step, `stopped: ${stopReason(cancel)}`)
  return results
}

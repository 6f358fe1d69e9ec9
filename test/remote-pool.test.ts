import { describe, expect, it } from 'vitest'
import { eachAtOnce, PushError } from '../src/remote/index.js'

/*
 * The one pool behind release uploads, the push, the S3 publish and multipart parts: how many run
 * at once, the order of the results, and its one way to stop (first failure or a cancel: nothing
 * new starts, the running ones are told through their signal, and it returns once they settle).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('eachAtOnce', () => {
  it('keeps at most `concurrency` running and returns the results in the items’ order', async () => {
    let running = 0
    let most = 0
    const results = await eachAtOnce('step', [30, 5, 20, 1, 10, 2], 3, async (ms) => {
      most = Math.max(most, ++running)
      await sleep(ms)
      running--
      return ms * 2
    })
    expect(results).toEqual([60, 10, 40, 2, 20, 4])
    expect(most).toBe(3)
  })

  it('starts no new task after a failure, and reports the first error once the others settle', async () => {
    const started: number[] = []
    const settled: number[] = []
    await expect(
      eachAtOnce('step', [1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n)
        await sleep(n === 1 ? 5 : 20)
        settled.push(n)
        if (n === 1) throw new Error('first failed')
      }),
    ).rejects.toThrow('first failed')
    expect(started).toEqual([1, 2])
    expect(settled).toEqual([1, 2]) // 2 was waited for, not left running
  })

  it('aborts the signal the running tasks were given when one fails', async () => {
    const reasons: string[] = []
    await expect(
      eachAtOnce('step', ['fails', 'waits'], 2, async (item, signal) => {
        if (item === 'fails') {
          await sleep(5)
          throw new Error('boom')
        }
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
        reasons.push(String(signal.reason))
      }),
    ).rejects.toThrow('boom')
    expect(reasons).toHaveLength(1) // the waiting task was woken by the abort, not left hanging
  })

  it('a cancel starts nothing more and throws a PushError naming the step', async () => {
    const cancel = new AbortController()
    const started: number[] = []
    const run = eachAtOnce(
      'upload',
      [1, 2, 3, 4],
      1,
      async (n) => {
        started.push(n)
        if (n === 2) cancel.abort('cancelled by the user')
        await sleep(2)
      },
      cancel.signal,
    )
    await expect(run).rejects.toThrow(PushError)
    await expect(run).rejects.toThrow('stopped: cancelled by the user')
    expect(started).toEqual([1, 2])
  })

  it('a thrown undefined still counts as a failure', async () => {
    const started: number[] = []
    await expect(
      eachAtOnce('step', [1, 2, 3], 1, async (n) => {
        started.push(n)
        if (n === 1) throw undefined
      }),
    ).rejects.toBeUndefined()
    expect(started).toEqual([1])
  })

  it('runs an empty list, and treats a concurrency below one as one', async () => {
    expect(await eachAtOnce('step', [], 4, async () => 1)).toEqual([])
    expect(await eachAtOnce('step', [1, 2], 0, async (n) => n)).toEqual([1, 2])
  })
})

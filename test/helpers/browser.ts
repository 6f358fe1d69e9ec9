import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'

/*
 * Debian's headless Chromium, as a person's browser: the page as it renders (its DOM after
 * parsing) and screenshots. Where it is missing the browser tests are skipped, except under CI,
 * which installs it (.ci/run) and so fails instead of shrinking the run.
 */

export function chromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    if (spawnSync(name, ['--version']).status === 0) return name
  }
  if (process.env.CI)
    throw new Error('CI needs chromium for the browser tests (.ci/run installs it from apt)')
  return undefined
}

/** The flags every run takes: no sandbox (tests run as root), no GPU, no first-run noise. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars']

/** Asynchronous, so that a server in the test's own process stays free to answer the browser. */
async function run(browser: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(browser, [...FLAGS, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    const failure = error as { stderr?: string; message: string }
    throw new Error(
      `${browser} ${args.join(' ')} failed: ${(failure.stderr || failure.message).slice(-2000)}`,
      {
        cause: error,
      },
    )
  }
}

/** The document as Chromium built it, serialized. */
export function dumpDom(browser: string, url: string): Promise<string> {
  return run(browser, ['--dump-dom', url])
}

/** A PNG of the page in a window `width` CSS pixels wide. */
export async function screenshot(
  browser: string,
  url: string,
  file: string,
  width: number,
  height: number,
): Promise<void> {
  await run(browser, [`--window-size=${width},${height}`, `--screenshot=${file}`, url])
}

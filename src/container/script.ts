import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Docker, Mount, RunSpec } from './docker.js'

/** Where the script (and any files given with it) appear inside the container. */
export const SCRIPT_DIR = '/pakman/scripts'

/**
 * What each stage that runs containers is handed: the engine, the platform to emulate, and where
 * the container's name (for cleanup on cancellation) and its output lines go.
 */
export interface ContainerContext {
  docker: Docker
  /** Docker's --platform; set only when the architecture runs under QEMU. */
  platform?: string
  /** Told the container's name and its script directory before it starts. */
  onContainer?: (name: string, scratchDir: string) => void
  log: (line: string) => void
}

/** What runs: the image, the script and what it is given. Where it runs is the ContainerContext. */
export interface ScriptRun {
  image: string
  /** Container names are <prefix>-<random>, so leftovers are easy to find. */
  prefix: string
  /** The script, run with /bin/sh; it is mounted read-only with `files` beside it. */
  script: string
  files?: Record<string, string>
  mounts?: Mount[]
  env?: Record<string, string>
  /** The script's standard input (e.g. a go-ahead the host sends later); closed when absent. */
  input?: NodeJS.ReadableStream
  tmpfs?: RunSpec['tmpfs']
  /** Keep the container after it exits, for `then` (docker commit). */
  keep?: boolean
}

export interface ScriptResult {
  code: number
  /** The last lines printed, for error messages. */
  tail: string[]
}

/**
 * Runs a generated script in a container and always cleans up: the container (also after `then`,
 * which sees it stopped) and the temporary directory the script was mounted from.
 */
export async function runScript(
  context: ContainerContext,
  run: ScriptRun,
  then?: (name: string, result: ScriptResult) => Promise<void>,
): Promise<ScriptResult> {
  const dir = await mkdtemp(join(tmpdir(), `${run.prefix}-`))
  const name = `${run.prefix}-${randomBytes(6).toString('hex')}`
  const tail: string[] = []
  // `docker run --rm` that returned an exit code of the script's own has removed the container
  // already; only other endings (docker failed, 125 and up, or threw) need a docker rm.
  let removed = false
  try {
    await writeFile(join(dir, 'script.sh'), run.script, { mode: 0o755 })
    for (const [file, content] of Object.entries(run.files ?? {}))
      await writeFile(join(dir, file), content, { mode: 0o644 })
    context.onContainer?.(name, dir)
    const spec = {
      image: run.image,
      name,
      command: ['/bin/sh', `${SCRIPT_DIR}/script.sh`],
      mounts: [...(run.mounts ?? []), { source: dir, target: SCRIPT_DIR, readOnly: true }],
      ...(run.env && { env: run.env }),
      ...(run.input && { input: run.input }),
      ...(run.tmpfs && { tmpfs: run.tmpfs }),
      ...(context.platform && { platform: context.platform }),
      onLine: (line: string) => {
        tail.push(line)
        if (tail.length > 25) tail.shift()
        context.log(line)
      },
    }
    const { docker } = context
    const code = await (run.keep ? docker.runToCommit(spec) : docker.run(spec))
    removed = !run.keep && code < 125
    const result = { code, tail }
    await then?.(name, result)
    return result
  } finally {
    if (!removed) await context.docker.removeContainer(name)
    await rm(dir, { recursive: true, force: true })
  }
}

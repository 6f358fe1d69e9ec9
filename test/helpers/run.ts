import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a bundled entry point (dist/cli.js, dist/index.js) with this Node, as GitHub or a user would. */
export function runNode(
  script: string,
  args: string[],
  options: {
    cwd?: string
    env?: NodeJS.ProcessEnv
    /** Handed the process as it starts, e.g. to signal it as the runner does on cancellation. */
    onSpawn?: (child: ChildProcess) => void
  } = {},
): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, script), ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    options.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** The environment without anything GitHub Actions would set, so tests decide what is there. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(GITHUB_|RUNNER_|INPUT_|ACTIONS_|STATE_)/.test(key)) env[key] = value
  }
  return { ...env, ...extra }
}

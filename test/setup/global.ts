import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Around the whole test run:
 * - dist/ is built from the current sources first: the end-to-end tests run dist/index.js and
 *   dist/cli.js, so an edit in src/ without a rebuild cannot pass unnoticed.
 * - every test, worker and process it starts gets a TMPDIR of its own; whatever is still in it at
 *   the end is a leak, and fails the run.
 * - Docker images and containers this run made (test images, environments) are removed; any other
 *   image or container left behind fails the run. Not while another test run shares the daemon,
 *   nor in a run without the Docker tests (npm run test:fast).
 */

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')

interface DockerState {
  images: Set<string>
  containers: Set<string>
}

/** Test runs in progress on this machine register here; they share one Docker daemon. */
const RUNS = join(tmpdir(), 'pakman-test-runs')

export default function setup(): () => void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  mkdirSync(RUNS, { recursive: true })
  const registration = join(RUNS, String(process.pid))
  writeFileSync(registration, '')
  const runTemp = mkdtempSync(join(tmpdir(), 'pakman-test-run-'))
  // Tests hand workspaces to other users (uid 1001, as a runner's checkout), who must reach them.
  chmodSync(runTemp, 0o711)
  process.env.TMPDIR = runTemp
  // A run without the Docker tests (npm run test:fast) neither checks nor cleans the daemon: it
  // makes nothing there, and another run may be using it.
  const before = process.env.PAKMAN_TESTS === 'fast' ? undefined : dockerState()

  return () => {
    const problems: string[] = []
    const leftFiles = readdirSync(runTemp)
    if (leftFiles.length)
      problems.push(`temporary files left behind in ${runTemp}: ${leftFiles.join(', ')}`)
    rmSync(runTemp, { recursive: true, force: true })

    rmSync(registration, { force: true })
    // Another run on the same daemon may be using images made during this one, and making its
    // own containers: Docker is left alone then (a lone run, as in CI, always checks it).
    const others = readdirSync(RUNS).filter((pid) => alive(Number(pid)))
    if (others.length)
      process.stderr.write(`test runs ${others.join(', ')} are still going: Docker not cleaned\n`)
    if (before && !others.length) {
      const after = dockerState()!
      const newImages = [...after.images].filter((image) => !before.images.has(image))
      // The run's own caches: test images (content-addressed) and build environments.
      const ours = newImages.filter((image) => /^pakman(-test|-bench)?\/[a-z-]+:/.test(image))
      if (ours.length) spawnSync('docker', ['image', 'rm', '--force', ...ours])
      const leftImages = [...dockerState()!.images].filter((image) => !before.images.has(image))
      if (leftImages.length) problems.push(`Docker images left behind: ${leftImages.join(', ')}`)
      const leftContainers = [...after.containers].filter((c) => !before.containers.has(c))
      if (leftContainers.length)
        problems.push(`Docker containers left behind: ${leftContainers.join(', ')}`)
    }
    if (problems.length) throw new Error(`the test run did not clean up:\n${problems.join('\n')}`)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Tagged images and all containers; undefined without a Docker daemon. */
function dockerState(): DockerState | undefined {
  const images = spawnSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  })
  const containers = spawnSync('docker', ['ps', '--all', '--format', '{{.Names}}'], {
    encoding: 'utf8',
  })
  if (images.status !== 0 || containers.status !== 0) return undefined
  const lines = (text: string) =>
    new Set(text.split('\n').filter((l) => l && !l.includes('<none>')))
  return { images: lines(images.stdout), containers: lines(containers.stdout) }
}

import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { commitTime } from '../src/abuild/index.js'
import { chownTree, commitAll, RUNNER_USER } from './fixtures/workspace.js'
import { scratchDirs } from './helpers/scratch.js'

/*
 * git as root in a workspace another user owns (sudo, a runner or container job as root): it runs
 * as that owner, and trusts nothing for root. The CLI and action tests cover the version; here the
 * commit time (SOURCE_DATE_EPOCH), and how git was started, as git itself reports it.
 */
const isRoot = process.getuid?.() === 0
const { temp } = scratchDirs()
const COMMITTED = 1_700_000_000

/** Sets environment variables for one test of this process; they are put back afterwards. */
const saved = new Map<string, string | undefined>()
function setEnv(name: string, value: string): void {
  if (!saved.has(name)) saved.set(name, process.env[name])
  process.env[name] = value
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  saved.clear()
})

function ownedRepository(): string {
  const workspace = temp('pakman-git-')
  writeFileSync(join(workspace, 'README'), 'app\n')
  commitAll(workspace, { commitTime: COMMITTED })
  chownTree(workspace, RUNNER_USER, RUNNER_USER)
  return workspace
}

describe.runIf(isRoot)('as root, in a workspace the runner user owns', () => {
  it('reads the commit time as that user, without safe.directory', async () => {
    const workspace = ownedRepository()
    // git's trace2 log names the arguments git was started with; the file is its process's.
    const traceDir = temp('pakman-trace-')
    chownSync(traceDir, RUNNER_USER, RUNNER_USER)
    const trace = join(traceDir, 'trace.json')
    setEnv('GIT_TRACE2_EVENT', trace)
    expect(await commitTime(workspace)).toBe(COMMITTED)
    expect(statSync(trace).uid).toBe(RUNNER_USER)
    const started = readFileSync(trace, 'utf8')
    expect(started).toContain('"argv":["git","log","-1","--format=%ct"]')
    expect(started).not.toContain('safe.directory')
  })

  it("reads no personal git config, root's least of all", async () => {
    const workspace = ownedRepository()
    const home = temp('pakman-home-')
    chmodSync(home, 0o755) // readable by the owner too: only not looking keeps git from it
    writeFileSync(join(home, '.gitconfig'), 'this is not a git config\n')
    setEnv('HOME', home)
    expect(await commitTime(workspace)).toBe(COMMITTED)
  })
})

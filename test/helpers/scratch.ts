import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** Temporary directories removed after the test file; call once per file. */
export function scratchDirs(): { temp: (prefix: string) => string; keep: (dir: string) => string } {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const keep = (dir: string) => {
    dirs.push(dir)
    return dir
  }
  return { temp: (prefix) => keep(mkdtempSync(join(tmpdir(), prefix))), keep }
}

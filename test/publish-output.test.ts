import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claimOutputDir, OUTPUT_MARKER, stageOutput } from '../src/publish/output.js'

let root: string
let workspace: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pakman-output-'))
  workspace = join(root, 'ws')
  await mkdir(workspace)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }

describe('claimOutputDir', () => {
  it('makes a missing directory and marks it', async () => {
    const real = await claimOutputDir(join(root, 'a/b'), workspace, '--packages-dir')
    expect(await readdir(real)).toEqual([OUTPUT_MARKER])
  })

  it('takes a directory with pakman.json from a PAKman before the marker', async () => {
    const dir = join(root, 'old')
    await mkdir(dir)
    await writeFile(join(dir, 'pakman.json'), '{}')
    await claimOutputDir(dir, workspace, '--packages-dir')
    expect((await readdir(dir)).sort()).toEqual([OUTPUT_MARKER, 'pakman.json'])
  })

  it('refuses a file, the workspace and a parent of it, naming the option', async () => {
    await writeFile(join(root, 'file'), 'x')
    await expect(claimOutputDir(join(root, 'file'), workspace, 'opt')).rejects.toThrow(
      `the output directory ${join(root, 'file')} (opt) is not a directory`,
    )
    for (const dir of [workspace, root])
      await expect(claimOutputDir(dir, workspace, 'opt')).rejects.toThrow(
        `the output directory ${dir} (opt) would hold the workspace or the home directory`,
      )
  })

  it('lists at most five of the files it did not write', async () => {
    const dir = join(root, 'many')
    await mkdir(dir)
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await writeFile(join(dir, name), name)
    await expect(claimOutputDir(dir, workspace, 'opt')).rejects.toThrow(
      `the output directory ${dir} (opt) holds files PAKman did not write (a, b, c, d, e, …).`,
    )
    expect(await readdir(dir)).toHaveLength(6) // no marker written into it
  })
})

describe('stageOutput', () => {
  it('swaps a finished build in, with the mode of the output it replaces', async () => {
    const real = await claimOutputDir(join(root, 'out'), workspace, 'opt')
    await writeFile(join(real, 'old.apk'), 'old')
    const staging = await stageOutput(real, owner)
    await writeFile(join(staging.dir, 'new.apk'), 'new')
    expect(await readdir(real)).toContain('old.apk') // untouched until the commit
    await staging.commit()
    expect((await readdir(real)).sort()).toEqual([OUTPUT_MARKER, 'new.apk'])
    expect((await stat(real)).mode & 0o777).toBe(0o755 & ~process.umask())
    expect((await readdir(root)).sort()).toEqual(['out', 'ws']) // no staging or old directory left
  })

  it('leaves the output as it was when discarded', async () => {
    const real = await claimOutputDir(join(root, 'out'), workspace, 'opt')
    await writeFile(join(real, 'old.apk'), 'old')
    const staging = await stageOutput(real, owner)
    await writeFile(join(staging.dir, 'new.apk'), 'new')
    await staging.discard()
    expect((await readdir(real)).sort()).toEqual([OUTPUT_MARKER, 'old.apk'])
    expect(await readFile(join(real, 'old.apk'), 'utf8')).toBe('old')
    expect((await readdir(root)).sort()).toEqual(['out', 'ws'])
  })
})

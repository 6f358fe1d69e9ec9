import type { Stats } from 'node:fs'
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { handOver } from '../ownership/index.js'
import { MANIFEST } from './manifest.js'

/*
 * The output directory. PAKman replaces what is in it, so it only ever takes a directory that is
 * empty or that PAKman wrote before: a marker file says so. Anything else (abuild's own
 * ~/packages with a packager's packages, a folder of downloads) is refused, never emptied.
 */

/** Written into every output directory PAKman creates or uses. */
export const OUTPUT_MARKER = '.pakman-output'

/** The CLI's default output, under the workspace; the build's snapshot excludes `.pakman`. */
export const DEFAULT_OUTPUT = join('.pakman', 'packages')

/**
 * Makes `dir` (when missing) and checks that PAKman may replace what is in it; returns its real
 * path, marked. `option` names the setting in the caller's words (`--packages-dir`, the
 * `packages-dir` input) so the message says what to change.
 */
export async function claimOutputDir(
  dir: string,
  workspace: string,
  option: string,
): Promise<string> {
  const target = resolve(dir)
  const existing = await stat(target).catch(() => undefined)
  if (existing && !existing.isDirectory())
    throw new Error(
      `the output directory ${dir} (${option}) is not a directory; name a directory for packages`,
    )
  await mkdir(target, { recursive: true })
  const real = await realpath(target)
  const protectedDirs = [sep, homedir(), await realpath(workspace)]
  const inside = (parent: string, child: string) =>
    child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep)
  if (protectedDirs.some((p) => inside(real, p))) {
    throw new Error(
      `the output directory ${dir} (${option}) would hold the workspace or the home directory; choose a directory of its own`,
    )
  }
  const entries = await readdir(real)
  // pakman.json: the manifest an earlier PAKman wrote before there was a marker.
  const ours = entries.includes(OUTPUT_MARKER) || entries.includes(MANIFEST)
  if (entries.length && !ours) {
    const shown = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '')
    throw new Error(
      `the output directory ${dir} (${option}) holds files PAKman did not write (${shown}). PAKman replaces the ` +
        `contents of its output directory, so it only uses one that is empty or that it wrote ` +
        `before (it holds ${OUTPUT_MARKER}). Set ${option} to a new or empty directory, or move ` +
        `those files away; nothing was changed.`,
    )
  }
  await writeFile(join(real, OUTPUT_MARKER), markerText(), { mode: 0o644 })
  return real
}

function markerText(): string {
  return 'This directory is output of PAKman; each build replaces what is in it.\n'
}

/** Empties a claimed output directory in place, keeping its marker (merge writes straight in). */
export async function emptyOutputDir(real: string): Promise<void> {
  for (const entry of await readdir(real)) {
    if (entry !== OUTPUT_MARKER) await rm(join(real, entry), { recursive: true, force: true })
  }
}

export interface Staging {
  /** Where the build writes: next to the output, so the swap is a rename on one file system. */
  dir: string
  /** Adds `files` (name → text, 0644), then puts the staging directory in place of the output. */
  commit(files?: Record<string, string>): Promise<void>
  /** Removes the staging directory unless it was committed; the output is as it was. */
  discard(): Promise<void>
}

/**
 * A marked, empty directory beside the claimed output `real`. A build writes there, and only a
 * build that succeeded is swapped in, so a failed one leaves the earlier output as it was.
 */
export async function stageOutput(
  real: string,
  owner: Pick<Stats, 'uid' | 'gid'>,
): Promise<Staging> {
  const parent = dirname(real)
  const dir = await mkdtemp(join(parent, `.${basename(real)}.pakman-staging-`))
  await writeFile(join(dir, OUTPUT_MARKER), markerText(), { mode: 0o644 })
  // mkdtemp makes it 0700: give it the output's own mode, which it takes the place of.
  await chmod(dir, (await stat(real)).mode & 0o7777)
  // The build user carries the workspace owner's ids and writes here.
  await handOver(dir, owner)
  const discard = () => rm(dir, { recursive: true, force: true })
  return {
    dir,
    discard,
    async commit(files = {}) {
      for (const [name, text] of Object.entries(files))
        await writeFile(join(dir, name), text, { mode: 0o644 })
      const old = `${dir}-old`
      try {
        await rename(real, old)
      } catch {
        // A mount point (or a directory we may not rename): replace its contents instead.
        await emptyOutputDir(real)
        for (const entry of await readdir(dir)) await rename(join(dir, entry), join(real, entry))
        await discard()
        return
      }
      await rename(dir, real)
      await rm(old, { recursive: true, force: true })
    },
  }
}

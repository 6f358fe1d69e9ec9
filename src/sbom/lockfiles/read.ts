import { readdir, readFile } from 'node:fs/promises'
import { isAbsolute, join, posix, relative, sep } from 'node:path'
import { readerFor } from './formats.js'
import { findLockfiles } from './walk.js'
import {
  LockfileError,
  type Checksum,
  type Component,
  type LockfileProblem,
  type LockfileReport,
  type LockfileSource,
} from './types.js'

/** Every lockfile in the workspace, read; components sorted by purl and deduplicated by purl. */
export async function readLockfiles(
  workspace: string,
  skipped?: ReadonlySet<string>,
): Promise<LockfileReport> {
  const lockfiles = await findLockfiles(workspace, skipped)
  const results = await Promise.all(lockfiles.map((path) => readLockfile(workspace, path)))
  const problems = results.flatMap((result) => result.problems)
  const components = deduplicate(
    results.flatMap((result) => result.components),
    problems,
  )
  return { components, lockfiles, problems }
}

/** One lockfile: all its components, or none and a problem. */
async function readLockfile(
  workspace: string,
  path: string,
): Promise<{ components: Component[]; problems: LockfileProblem[] }> {
  const reader = readerFor(posix.basename(path))!
  try {
    const text = await readFile(join(workspace, path), 'utf8')
    const found = await reader({ path, text, ...nearby(workspace, posix.dirname(path)) })
    return { components: found.map((c) => ({ ...c, lockfile: path })), problems: [] }
  } catch (error) {
    // A LockfileError says what is wrong in the lockfile's terms; anything else (a file that
    // cannot be read, a shape no check foresaw) is still this lockfile's problem, not a throw.
    const { line, file } = error instanceof LockfileError ? error : new LockfileError('')
    const message = error instanceof Error ? error.message : String(error)
    const problem = { lockfile: file ?? path, ...(line && { line }), message }
    return { components: [], problems: [problem] }
  }
}

/** The files a reader may look at beside its lockfile, never outside the workspace. */
function nearby(
  workspace: string,
  dir: string,
): Pick<LockfileSource, 'sibling' | 'subdirectories'> {
  const inside = (path: string) => {
    const full = join(workspace, dir, path)
    const rel = relative(workspace, full)
    return rel.split(sep)[0] === '..' || isAbsolute(rel) ? undefined : full
  }
  return {
    sibling: async (path) => {
      const full = inside(path)
      return full === undefined ? undefined : readFile(full, 'utf8').catch(() => undefined)
    },
    subdirectories: async (path) => {
      const full = inside(path)
      if (full === undefined) return []
      const entries = await readdir(full, { withFileTypes: true }).catch(() => [])
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    },
  }
}

const STRENGTH: Record<Checksum['algorithm'], number> = { SHA1: 1, SHA256: 2, SHA512: 3 }

/**
 * One component per purl: the first by lockfile path, with the strongest digest its lockfiles
 * record. Two digests of one algorithm that differ are a problem (two artifacts under one name):
 * the first is kept.
 */
function deduplicate(found: Component[], problems: LockfileProblem[]): Component[] {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  const sorted = [...found].sort((a, b) => order(a.purl, b.purl) || order(a.lockfile, b.lockfile))
  const kept: Component[] = []
  for (const component of sorted) {
    const first = kept.at(-1)
    if (first?.purl !== component.purl) kept.push(component)
    else if (component.checksum) kept[kept.length - 1] = merged(first, component, problems)
  }
  return kept
}

function merged(first: Component, again: Component, problems: LockfileProblem[]): Component {
  const [kept, other] = [first.checksum, again.checksum!]
  if (kept?.algorithm === other.algorithm && kept.value !== other.value)
    problems.push({
      lockfile: again.lockfile,
      message: `${again.purl}: its ${other.algorithm} digest differs from ${first.lockfile}'s, which is kept`,
    })
  return !kept || STRENGTH[other.algorithm] > STRENGTH[kept.algorithm]
    ? { ...first, checksum: other }
    : first
}

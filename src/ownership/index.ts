/*
 * Who owns what PAKman writes, and who runs what in the workspace. abuild never runs as root; the
 * files PAKman leaves in the workspace (the recipe, the packages, the output directory) belong to
 * the workspace's owner, and git reads the workspace as its owner, also when PAKman itself runs as
 * root. Decided here, and nowhere else.
 */

import { execFile } from 'node:child_process'
import type { Stats } from 'node:fs'
import { chown, stat } from 'node:fs/promises'
import { promisify } from 'node:util'

/** A user and group to hand files to. */
export interface Owner {
  uid: number
  gid: number
}

/** Who abuild runs as inside the container, and who gets the files afterwards; decided once here. */
export interface BuildIdentity {
  /** The build user's ids. Never 0: abuild refuses root, in nested calls too. */
  uid: number
  gid: number
  /** The workspace owner, who gets the recipe directory and the packages back. */
  owner: Owner
}

/**
 * A root-owned workspace (container jobs, runners as root) is built by uid/gid 1000. Whatever name
 * an image gives these ids is used as it is; the build script only adds what is missing.
 */
const UNPRIVILEGED = 1000

export function buildIdentity(workspaceOwner: Pick<Stats, 'uid' | 'gid'>): BuildIdentity {
  const owner = { uid: workspaceOwner.uid, gid: workspaceOwner.gid }
  return owner.uid === 0
    ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED, owner }
    : { uid: owner.uid, gid: owner.gid, owner }
}

/**
 * Hands `path` to `owner` when PAKman runs as root (container jobs, runners as root); as any other
 * user the files are already the caller's, and chown could not give them away anyway.
 */
export async function handOver(path: string, owner: Owner): Promise<void> {
  if (rootActsFor(owner)) await chown(path, owner.uid, owner.gid)
}

/** PAKman runs as root on files another user owns: it acts for that user, not as root. */
function rootActsFor(owner: Owner): boolean {
  return process.getuid?.() === 0 && owner.uid !== 0
}

/** What git printed, or git's own reason for failing (the first fatal line it wrote). */
export type GitAnswer = { ok: true; stdout: string } | { ok: false; reason: string }

/**
 * Runs git in the workspace, as the workspace's owner when PAKman runs as root (sudo, a runner or a
 * container job as root): git refuses another user's repository ("dubious ownership"), and trusting
 * it for root (safe.directory) would let that user's repository config run commands as root.
 */
export async function gitInWorkspace(
  workspace: string,
  args: readonly string[],
): Promise<GitAnswer> {
  let owner: Owner
  try {
    const info = await stat(workspace)
    owner = { uid: info.uid, gid: info.gid }
  } catch (error) {
    return { ok: false, reason: `cannot read the workspace ${workspace} (${errorCode(error)})` }
  }
  const asOwner = rootActsFor(owner) && { ...owner, env: ownerEnvironment() }
  try {
    const { stdout } = await promisify(execFile)('git', args, { cwd: workspace, ...asOwner })
    return { ok: true, stdout: stdout.trim() }
  } catch (error) {
    return { ok: false, reason: gitReason(error) }
  }
}

/**
 * git as the workspace owner reads no one's personal config: root's is not the owner's (and git may
 * refuse an unreadable /root), and the owner's home is often unknown (a container job's uid 1001 has
 * no account). What PAKman asks (a tag, a commit time, a remote) is the repository's, not a user's.
 */
function ownerEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: '/nonexistent',
    GIT_CONFIG_GLOBAL: '/dev/null',
  }
  delete environment.XDG_CONFIG_HOME
  return environment
}

function gitReason(error: unknown): string {
  const failure = error as { code?: unknown; stderr?: string; message?: string }
  if (failure.code === 'ENOENT') return 'git is not installed (no git on PATH)'
  const lines = (failure.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const fatal = lines.find((line) => line.startsWith('fatal: '))
  return fatal?.slice('fatal: '.length) ?? lines[0] ?? failure.message ?? String(error)
}

function errorCode(error: unknown): string {
  return (error as { code?: string }).code ?? String(error)
}

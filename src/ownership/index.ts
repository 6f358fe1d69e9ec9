/*
 * Who owns what PAKman writes. abuild never runs as root, and the files PAKman leaves in the
 * workspace (the recipe, the packages, the output directory) belong to the workspace's owner, also
 * when PAKman itself runs as root. Decided here, and nowhere else.
 */

import type { Stats } from 'node:fs'
import { chown } from 'node:fs/promises'

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
  if (process.getuid?.() === 0 && owner.uid !== 0) await chown(path, owner.uid, owner.gid)
}

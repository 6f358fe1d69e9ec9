import type { Stats } from 'node:fs'

/** Who abuild runs as inside the container, and who gets the files afterwards; decided once here. */
export interface BuildIdentity {
  /** The build user's ids. Never 0: abuild refuses root, in nested calls too. */
  uid: number
  gid: number
  /** The workspace owner, who gets the recipe directory and the packages back. */
  owner: { uid: number; gid: number }
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

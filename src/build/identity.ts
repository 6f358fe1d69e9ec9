import type { Stats } from 'node:fs'

/** Who abuild runs as inside the container; decided here once, for the key files and the script. */
export interface BuildIdentity {
  uid: number
  gid: number
  /** The workspace belongs to root, so the build user is a stand-in that gets files handed over. */
  rootWorkspace: boolean
}

/** abuild refuses to run as root: a root-owned workspace is built by uid/gid 1000. */
const UNPRIVILEGED = 1000

export function buildIdentity(workspaceOwner: Pick<Stats, 'uid' | 'gid'>): BuildIdentity {
  return workspaceOwner.uid === 0
    ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED, rootWorkspace: true }
    : { uid: workspaceOwner.uid, gid: workspaceOwner.gid, rootWorkspace: false }
}

import { packageUrl } from '../purl.js'

export type PurlType = 'npm' | 'gem' | 'hex' | 'golang' | 'cargo' | 'pypi' | 'composer'

export interface Checksum {
  algorithm: 'SHA1' | 'SHA256' | 'SHA512'
  /** Lowercase hex. */
  value: string
}

export interface Component {
  type: PurlType
  /** As the ecosystem names it (npm scope included: @scope/name; Go: the module path) */
  name: string
  version: string
  /** Package URL, percent-encoded as the purl spec requires */
  purl: string
  /** The lockfile's own digest of the published artifact, when it records one, as lowercase hex */
  checksum?: Checksum
  /** Workspace-relative path of the lockfile it came from (posix separators) */
  lockfile: string
}

export interface LockfileProblem {
  /** The file at fault: the lockfile, or a file read beside it (the go.mod of a go.sum). */
  lockfile: string
  line?: number
  message: string
}

export interface LockfileReport {
  components: Component[]
  lockfiles: string[]
  problems: LockfileProblem[]
}

/** A component as one reader finds it, before it is told which lockfile it came from. */
export type Locked = Omit<Component, 'lockfile'>

/** A lockfile handed to its reader, with a way to the files beside it (package.json, go.mod). */
export interface LockfileSource {
  /** Workspace-relative, posix. */
  path: string
  text: string
  /** A file relative to the lockfile's directory, inside the workspace; undefined if missing. */
  sibling(relative: string): Promise<string | undefined>
  /** The directories in a directory relative to the lockfile's directory, sorted. */
  subdirectories(relative: string): Promise<string[]>
}

export type LockfileReader = (source: LockfileSource) => Locked[] | Promise<Locked[]>

/** A lockfile that cannot be read as its format says: a problem, with its line when known. */
export class LockfileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** The file at fault when it is not the lockfile itself (go.mod beside go.sum). */
    readonly file?: string,
  ) {
    super(message)
  }
}

export interface LockedOptions {
  /** Only where the ecosystem has one apart from the name (a Hex organisation). */
  namespace?: string
  qualifiers?: Record<string, string | undefined>
  checksum?: Checksum
}

/** A component and its purl; npm scopes, Go module paths and Composer vendors are in the name. */
export function locked(
  type: PurlType,
  name: string,
  version: string,
  options: LockedOptions = {},
): Locked {
  const { namespace, qualifiers, checksum } = options
  const purl = packageUrl({ type, namespace, name, version, qualifiers })
  return { type, name, version, purl, ...(checksum && { checksum }) }
}

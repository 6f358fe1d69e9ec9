/** Something the run should say about the version it chose. */
export interface VersionNote {
  /** `warning` when pkgver is not what the tag means (a CI annotation); `info` otherwise. */
  severity: 'warning' | 'info'
  message: string
}

export interface ResolvedVersion {
  /** What goes into pkgver. */
  version: string
  /** Why the tag was not used as is, when it was not. */
  note?: VersionNote
}

/** A version apk accepts: digits and dots, an optional letter, optional _suffixes. */
const APK_VERSION = /^\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*$/
const SEMVER_PREFIX = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)/
/** What `git describe` appends when HEAD is N commits past the tag: `-4-gabc1234`. */
const DESCRIBE_SUFFIX = /-\d+-g[0-9a-f]{4,}$/
/** Why a checkout may see no tag at all. */
const SHALLOW = 'actions/checkout fetches tags only with fetch-depth: 0'
/**
 * Semver pre-releases with an Alpine suffix that also sorts before the release: `rc.1`, `rc1`,
 * `beta.2`, `alpha`. apk orders _alpha < _beta < _pre < _rc < (release), as semver orders these.
 */
const PRE_RELEASE = /^(alpha|beta|pre|rc)(?:[.-]?(\d+))?$/i

/**
 * pkgver from `git describe --tags --always`. Like the original, the tag is the part before the
 * first '-' when it starts with major.minor.patch, else 0.0.0; so commits after a tag
 * (`1.2.3-4-gabc1234`) build as that tag's version. Beyond the original:
 * - a leading `v` is accepted (`v1.2.3` → 1.2.3);
 * - a semver pre-release becomes the Alpine suffix that sorts before the release
 *   (`1.2.3-rc.1` → 1.2.3_rc1); any other pre-release is dropped with a warning, since apk then
 *   sees the release's version;
 * - a tag apk would reject (`1.2.3.rc1`) is cut to major.minor.patch, with a warning;
 * - build metadata (`+build.5`) is dropped, as semver ignores it for ordering.
 */
export function resolveVersion(describe: string | undefined): ResolvedVersion {
  const raw = (describe ?? '').trim()
  const tag = raw.replace(/^v(?=\d)/, '').replace(DESCRIBE_SUFFIX, '')
  const [withoutBuild = '', build] = splitOnce(tag, '+')
  const [core = '', preRelease] = splitOnce(withoutBuild, '-')
  const prefix = SEMVER_PREFIX.exec(core)?.[0]
  if (!prefix) {
    return {
      version: '0.0.0',
      note: warning(
        !raw
          ? `no tag found (${SHALLOW}); using 0.0.0`
          : /^[0-9a-f]{4,40}$/.test(raw)
            ? `no tag reachable from commit ${raw} (${SHALLOW}); using 0.0.0`
            : `${raw} is not a major.minor.patch tag; using 0.0.0`,
      ),
    }
  }
  const base = APK_VERSION.test(core) ? core : prefix
  const cut = base !== core
  const cutMessage = (version: string) => `${core} is not a version apk accepts; using ${version}`

  let version = base
  if (preRelease !== undefined) {
    const match = PRE_RELEASE.exec(preRelease)
    if (!match) {
      return {
        version: base,
        note: warning(
          `${cut ? `${cutMessage(base)}. ` : ''}pre-release ${preRelease} of ${withoutBuild} has no Alpine equivalent; using ${base}, the same version as the release`,
        ),
      }
    }
    version = `${base}_${match[1]!.toLowerCase()}${match[2] ?? ''}`
  }
  // A cut tag's warning says it all; build metadata is only mentioned when nothing else is.
  if (cut) return { version, note: warning(cutMessage(version)) }
  return build === undefined ? { version } : { version, note: dropped(build, version) }
}

/** pkgver when `git describe` failed: 0.0.0, with git's own reason rather than a guess at one. */
export function versionWithoutGit(reason: string): ResolvedVersion {
  return { version: '0.0.0', note: warning(`git describe failed: ${reason}; using 0.0.0`) }
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator)
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)]
}

function warning(message: string): VersionNote {
  return { severity: 'warning', message }
}

function dropped(build: string, version: string): VersionNote {
  return {
    severity: 'info',
    message: `build metadata +${build} is not part of pkgver; using ${version}`,
  }
}

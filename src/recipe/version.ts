export interface ResolvedVersion {
  /** What goes into pkgver. */
  version: string
  /** Why the tag was not used as is, when it was not. */
  note?: string
}

/** A version apk accepts: digits and dots, an optional letter, optional _suffixes. */
const APK_VERSION = /^\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*$/
const SEMVER_PREFIX = /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)/

/**
 * pkgver from `git describe --tags --always`, as the original computes it: the first '-'-separated
 * field when it starts with major.minor.patch, else 0.0.0. Unlike the original, a leading `v` is
 * accepted (`v1.2.3` → 1.2.3), and a tag apk would reject (`1.2.3.rc1`) is cut to major.minor.patch.
 */
export function resolveVersion(describe: string | undefined): ResolvedVersion {
  const raw = (describe ?? '').trim()
  const first = raw.replace(/^v(?=\d)/, '').split('-')[0] ?? ''
  const prefix = SEMVER_PREFIX.exec(first)?.[0]
  if (!prefix) {
    return {
      version: '0.0.0',
      note: raw
        ? `${raw} is not a major.minor.patch tag; using 0.0.0`
        : 'no tag found; using 0.0.0',
    }
  }
  if (APK_VERSION.test(first)) return { version: first }
  return { version: prefix, note: `${first} is not a version apk accepts; using ${prefix}` }
}

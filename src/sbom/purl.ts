/*
 * Package URLs (purl): pkg:type/namespace/name@version?qualifiers, built as the purl spec says
 * (ECMA-427): each segment percent-encoded but for letters, digits, `.-_~` and `:` (and `/` in a
 * qualifier's value); qualifiers sorted by key, empty ones dropped; the per-type normalisations of
 * the types PAKman writes.
 */

export interface PurlParts {
  type: string
  namespace?: string
  name: string
  version?: string
  qualifiers?: Readonly<Record<string, string | undefined>>
}

/** The spec's own rules for a type's namespace and name; types not named keep theirs as given. */
const NORMALISE: Record<string, (segment: string) => string> = {
  pypi: (segment) => pypiName(segment),
  hex: (segment) => segment.toLowerCase(),
  composer: (segment) => segment.toLowerCase(),
  apk: (segment) => segment.toLowerCase(),
  /*
   * golang keeps its case, against the letter of the type's definition ("must be lowercased"),
   * which predates modules: module paths are case-sensitive (github.com/Azure/...), and the Go
   * vulnerability database, deps.dev and the Go tools name modules with their case. The spec's
   * maintainers track the conflict in purl-spec issue 308.
   */
}

export function packageUrl(parts: PurlParts): string {
  const normalise = NORMALISE[parts.type] ?? ((segment: string) => segment)
  const path = [
    ...(parts.namespace?.split('/').filter(Boolean) ?? []),
    ...parts.name.split('/').filter(Boolean),
  ]
  let purl = `pkg:${parts.type.toLowerCase()}/${path.map((s) => encode(normalise(s))).join('/')}`
  if (parts.version) purl += `@${encode(parts.version)}`
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    // A value keeps its slashes, as the spec's canonical repository_url=repo.spring.io/release.
    .map(([key, value]) => `${key.toLowerCase()}=${encode(value).replace(/%2F/g, '/')}`)
    .sort()
  if (qualifiers.length) purl += `?${qualifiers.join('&')}`
  return purl
}

/** PEP 503's normalised name: case-insensitive, and runs of - _ . are one -. */
export function pypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

/** Percent-encoding as the spec has it: encodeURIComponent leaves !'()* alone and encodes `:`. */
function encode(segment: string): string {
  return encodeURIComponent(segment)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/g, ':')
}

/**
 * Names derived from the GitHub repository, computed as the original PAKman does (Elixir's
 * `Slug.slugify`): transliterate to ASCII, drop apostrophes and backticks, split on punctuation
 * and white space, join the pieces with '-', lower-case.
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['`]/g, '')
    .split(/[\s!-/:-@[-`{-~]+/)
    .filter(Boolean)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
}

export interface Repository {
  owner: string
  name: string
}

const GITHUB_NAME = /^[A-Za-z0-9_.-]+$/

/** Parses `owner/name`; returns undefined for anything else. */
export function parseRepository(text: string): Repository | undefined {
  const [owner, name, ...rest] = text.trim().split('/')
  if (
    rest.length ||
    !owner ||
    !name ||
    !GITHUB_NAME.test(owner) ||
    !GITHUB_NAME.test(name.replace(/\.git$/, ''))
  ) {
    return undefined
  }
  return { owner, name: name.replace(/\.git$/, '') }
}

/** The apk package name: the repository name as a slug (`Laravel_POS` → `laravel-pos`). */
export function packageName(repository: Repository): string {
  return slugify(repository.name)
}

/** Where the recipe goes, relative to the workspace: `.apk/<owner-slug>/<name-slug>`. */
export function recipePath(repository: Repository): string {
  return `.apk/${slugify(repository.owner)}/${slugify(repository.name)}`
}

/** The signing key name the original used, so existing `/etc/apk/keys/<name>.rsa.pub` keep verifying. */
export function defaultKeyName(repository: Repository): string {
  return `${slugify(repository.owner)}-${slugify(repository.name)}`
}

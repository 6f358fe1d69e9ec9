/*
 * What the build user's tools keep between runs: cache directories under the build user's home,
 * by an allow-list. Never the whole home: a build command may write credentials there (~/.npmrc,
 * ~/.netrc, ~/.gem/credentials, ~/.bundle/config, ~/.cargo/credentials.toml, ~/.hex/hex.config,
 * ~/.composer/auth.json, ~/.ssh, ~/.docker, ~/.config/...), and the cache of a default branch is
 * readable by pull-request runs. So only download and compile caches are listed, at the depth that
 * leaves their tools' credentials and settings out.
 */

/** Directories under the build user's home that are kept, one per tool cache. */
export const HOME_CACHE_DIRS = [
  '.npm', // npm's content cache and npx
  '.cache/yarn', // yarn 1
  '.yarn/berry/cache', // yarn 2+ global cache
  '.local/share/pnpm/store', // pnpm's store (XDG data home)
  '.cache/pnpm', // pnpm's metadata
  '.bun/install/cache',
  '.cache/node-gyp', // headers for native modules
  '.bundle/cache', // Bundler's global cache (not ~/.bundle/config)
  '.gem/ruby', // gems installed for the user (not ~/.gem/credentials)
  '.gem/specs',
  '.local/share/gem',
  '.hex/packages', // Hex tarballs (not ~/.hex/hex.config, which holds the API key)
  '.mix/archives', // hex and other archives: `mix local.hex` is not repeated
  '.mix/elixir', // rebar3 per Elixir version
  '.cache/rebar3',
  'go/pkg/mod', // GOMODCACHE
  '.cache/go-build', // GOCACHE
  '.cargo/registry/index', // Cargo (not ~/.cargo/credentials.toml or config.toml)
  '.cargo/registry/cache',
  '.cargo/git/db',
  '.cache/pip',
  '.cache/pypoetry',
  '.cache/pipenv',
  '.cache/uv',
  '.composer/cache', // Composer (not ~/.composer/auth.json)
  '.cache/composer',
  '.ccache', // abuild's USE_CCACHE default
  '.cache/ccache', // ccache 4's own default
  '.m2/repository', // Maven (not ~/.m2/settings.xml)
  '.gradle/caches', // Gradle (not ~/.gradle/gradle.properties)
  '.gradle/wrapper',
] as const

/**
 * Set for the build user so that these tools cache under the home: abuild 3.16 and later point
 * GOCACHE and CARGO_HOME at its $tmpdir (wiped by `abuild clean` before each build) unless they
 * are set, and an `export` in build.command still wins. abuild copies GOCACHE into GOMODCACHE
 * when it sets them, so on those stacks both caches share ~/.cache/go-build: it is kept too.
 */
export const TOOL_CACHE_VARIABLES = {
  GOCACHE: '.cache/go-build',
  GOMODCACHE: 'go/pkg/mod',
  CARGO_HOME: '.cargo',
} as const

/**
 * File names that are credentials wherever they appear under a kept directory: left out of every
 * entry even when a tool writes one inside a cache directory.
 */
export const CREDENTIAL_FILES = new Set([
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.netrc',
  '.git-credentials',
  '.pypirc',
  'credentials',
  'credentials.toml',
  'credentials.json',
  'hex.config',
  'auth.json',
  'settings.xml',
  'settings-security.xml',
  'gradle.properties',
])

/**
 * The directories above the kept ones, which Docker creates as root for the mounts: the build
 * user is given them, so a tool can still make its own directory beside a kept one (~/.cache/x).
 */
export function homeCacheParents(): string[] {
  const parents = new Set<string>()
  for (const dir of HOME_CACHE_DIRS) {
    const parts = dir.split('/')
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join('/'))
  }
  return [...parents].sort()
}

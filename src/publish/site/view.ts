import { formatBytes } from '../../report/index.js'
import type { RepositoryFacts, SiteDirectory, SitePackage } from './facts.js'

/*
 * The facts arranged as the page and the README show them: by stack, then repository, then
 * architecture, with the commands a user runs. Both templates render this one view, so the page
 * and the text never disagree. Values stay raw here; the templates escape them.
 */

export interface SiteView {
  title: string
  /** The repository's public base URL, ending in /. */
  url: string
  packageCount: number
  /** The newest build time of any package: the page's date, the same on every re-run. */
  updated?: Moment
  keys: { name: string; href: string; command: string }[]
  stacks: StackView[]
}

interface Moment {
  /** 2025-01-01T00:00:00Z, for <time datetime>. */
  iso: string
  /** 2025-01-01 00:00 UTC */
  text: string
}

interface StackView {
  label: string
  stack: string
  /** An anchor for the page's table of contents. */
  id: string
  repositories: RepositoryView[]
}

interface RepositoryView {
  /** What apk fetches <arch>/APKINDEX.tar.gz under. */
  url: string
  repo: string
  /** The lines that add this repository and install its packages. */
  commands: string[]
  /** The same lines as one block, for <pre>. */
  commandBlock: string
  architectures: ArchitectureView[]
}

interface ArchitectureView {
  arch: string
  indexHref: string
  packages: PackageView[]
}

interface PackageView {
  name: string
  version: string
  description: string
  href: string
  size: { bytes: number; text: string }
  installed?: string
  built?: Moment
  sha256: string
}

/**
 * Characters a URL or key name may hold to be pasted into a shell inside double quotes (or none)
 * as it is: nothing the shell would expand, split or end the quote at.
 */
const SHELL_SAFE = /^[A-Za-z0-9._~:/%@+=,-]+$/

/** The base URL as the commands use it: http(s), absolute, no query or fragment, ending in /. */
export function siteUrl(text: string, what: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`${what}: ${text} is not an absolute URL such as https://owner.github.io/repo/`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${what}: ${text} is not an http or https URL, which apk could fetch`)
  if (url.search || url.hash || url.username || url.password)
    throw new Error(`${what}: ${text} has a query, fragment or credentials; give the plain URL`)
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  if (!SHELL_SAFE.test(url.href))
    throw new Error(
      `${what}: ${url.href} holds characters a shell would expand; the install lines could not quote it`,
    )
  return url.href
}

export function siteView(facts: RepositoryFacts, url: string, title: string): SiteView {
  const all = facts.directories.flatMap((d) => d.packages)
  const newest = Math.max(...all.map((p) => p.buildTime ?? -Infinity))
  return {
    title,
    url,
    packageCount: all.length,
    ...(Number.isFinite(newest) && { updated: moment(newest) }),
    keys: facts.keys.map((name) => {
      const href = `${url}${safe(name, 'the key name')}`
      return { name, href, command: `wget -O /etc/apk/keys/${name} ${href}` }
    }),
    stacks: groupBy(facts.directories, (d) => d.stack).map(([stack, directories]) => ({
      stack,
      label: stackLabel(stack),
      id: `stack-${(stack || 'top').replace(/[^A-Za-z0-9]+/g, '-')}`,
      repositories: groupBy(directories, (d) => d.repo).map(([repo, arches]) =>
        repositoryView(url, stack, repo, arches),
      ),
    })),
  }
}

function repositoryView(
  url: string,
  stack: string,
  repo: string,
  directories: SiteDirectory[],
): RepositoryView {
  const path = [stack, repo].filter(Boolean).join('/')
  const repositoryUrl = safe(path ? `${url}${path}` : url.slice(0, -1), 'the repository URL')
  const packages = directories.flatMap((d) => d.packages)
  // The packages named after their recipe; subpackages (-openrc, -doc) come with or after them.
  const main = [...new Set(packages.filter((p) => p.origin === p.name).map((p) => p.name))]
  const install = main.length ? main : [...new Set(packages.map((p) => p.name))]
  const commands = [
    `echo "${repositoryUrl}" >> /etc/apk/repositories`,
    'apk update',
    `apk add ${install.map((name) => safe(name, 'the package name')).join(' ')}`,
  ]
  return {
    url: repositoryUrl,
    repo,
    commands,
    commandBlock: commands.join('\n'),
    architectures: directories.map((d) => ({
      arch: d.arch,
      indexHref: `${hrefOf(d.path)}/APKINDEX.tar.gz`,
      packages: d.packages.map(packageView),
    })),
  }
}

function packageView(p: SitePackage): PackageView {
  return {
    name: p.name,
    version: p.version,
    description: p.description,
    href: hrefOf(p.file),
    size: { bytes: p.size, text: formatBytes(p.size) },
    ...(p.installedSize !== undefined && { installed: formatBytes(p.installedSize) }),
    ...(p.buildTime !== undefined && { built: moment(p.buildTime) }),
    sha256: p.sha256,
  }
}

/** alpine/3.20 → Alpine 3.20; anything else as it is. */
function stackLabel(stack: string): string {
  const alpine = /^alpine\/(.+)$/.exec(stack)
  if (alpine) return `Alpine ${alpine[1]}`
  return stack || 'Packages'
}

function moment(seconds: number): Moment {
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return { iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` }
}

/** A relative link to a file of the tree, each part URL-encoded (names come from packages). */
function hrefOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function safe(text: string, what: string): string {
  if (!SHELL_SAFE.test(text))
    throw new Error(
      `${what} ${text} holds characters a shell would expand; the install lines could not quote it`,
    )
  return text
}

/** Groups in first-seen order (the input is sorted by path). */
function groupBy<T>(items: T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return [...groups]
}

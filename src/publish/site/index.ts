/*
 * The front page of a signed repository: index.html and README.md written at the top of a
 * repository directory (<stack>/<repo>/<arch>/ with the indexes, <key-name>.rsa.pub at the top),
 * for whatever serves that directory at a public URL (GitHub Pages, S3).
 */

import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Mustache from 'mustache'
import { readRepository, type RepositoryFacts } from './facts.js'
import { PAGE_TEMPLATE, README_TEMPLATE } from './templates.js'
import { siteUrl, siteView } from './view.js'

export { readRepository } from './facts.js'
export { siteUrl } from './view.js'

/** The files writeSite adds at the top of the repository directory. */
const SITE_FILES = ['index.html', 'README.md'] as const

export interface SiteSettings {
  /** The public URL the directory is served at (https://owner.github.io/repo/). */
  url: string
  /** The page's heading (default: "Alpine Linux packages"). */
  title?: string
  /** How the URL is named in messages: "repository-url", "--url". */
  urlName?: string
  /** SHA-256 of files already read (a merge's verify), by path relative to the directory: those
   *  are not hashed again. */
  digests?: ReadonlyMap<string, string>
}

export interface Site {
  /** The URL as the page uses it, ending in /. */
  url: string
  /** Paths of the files written. */
  files: string[]
  facts: RepositoryFacts
}

/**
 * Writes index.html and README.md into `dir`, from its indexes and files alone. The same tree and
 * settings give the same bytes: the only date is the newest package's build time.
 */
export async function writeSite(dir: string, settings: SiteSettings): Promise<Site> {
  const url = siteUrl(settings.url, settings.urlName ?? 'the repository URL')
  const facts = await readRepository(dir, settings.digests)
  const view = siteView(facts, url, settings.title ?? 'Alpine Linux packages')
  const page = Mustache.render(PAGE_TEMPLATE, view, {}, { escape: escapeHtml })
  // Plain text: nothing to escape, and an escaped & would read as &amp; there.
  const readme = Mustache.render(README_TEMPLATE, view, {}, { escape: (text: string) => text })
  const files = SITE_FILES.map((name) => join(dir, name))
  await writeFile(files[0]!, page)
  await writeFile(files[1]!, readme)
  return { url, files, facts }
}

/**
 * Text and double-quoted attribute values made inert: the five characters that could end one or
 * start markup. (Mustache's own escape also rewrites / and =, which makes the source hard to read.)
 */
function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  }
  return String(text).replace(/[&<>"']/g, (c) => entities[c]!)
}

import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { SHARED } from './shared.js'

/** The shared corpus sits beside the checkout, in development and in CI alike. */
export { SHARED }
export const CORPUS = join(SHARED, 'corpus/instellar')
export const HISTORY = join(CORPUS, 'history')

export interface CorpusFile {
  path: string
  /** `owner/name` taken from the file name `owner__name.yml`. */
  repository: string
  id: string
}

function list(dir: string): CorpusFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const id = basename(f, '.yml')
      const [owner, name] = id.split('__') as [string, string]
      return { path: join(dir, f), repository: `${owner}/${name}`, id }
    })
}

export const currentFiles = (): CorpusFile[] => list(CORPUS)
export const historyFiles = (): CorpusFile[] => list(HISTORY)

/** The file names SOURCES.md lists under a heading, so tests notice a missing or extra file. */
export function listedInSources(section: 'current' | 'history'): string[] {
  const text = readFileSync(join(CORPUS, 'SOURCES.md'), 'utf8')
  const [current = '', history = ''] = text.split(/^## history\//m)
  const body =
    section === 'current' ? current.split(/^## Current files/m)[1]!.split(/^## /m)[0]! : history
  return [...body.matchAll(/^\| (?:history\/)?([^|/ ]+\.yml) \|/gm)].map((m) => m[1]!).sort()
}

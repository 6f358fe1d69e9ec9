import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { uploadDirectory } from './artifact.js'
import type { PhaseReporter } from '../report/index.js'

/*
 * upload: pages — the repository, with its front page, as the artifact actions/deploy-pages
 * deploys: named github-pages (deploy-pages lists the run's artifacts and takes the one of that
 * name, and fails if there are two), holding one file, artifact.tar, a tar of the site's files
 * and directories only (Pages refuses links). Kept one day, as actions/upload-pages-artifact
 * keeps it: it only has to last until the deploy job.
 */

export const PAGES_ARTIFACT = 'github-pages'
const PAGES_RETENTION_DAYS = 1
/** GitHub Pages publishes sites up to 1 GB; deploy-pages warns past it, and larger ones may fail. */
const PAGES_SITE_LIMIT = 1024 ** 3

export interface PagesSettings {
  /** The site's public URL (repository-url, else the github.io one). */
  url: string
  /** Where artifact.tar is made (RUNNER_TEMP). */
  tempDir: string
}

/**
 * Where GitHub Pages serves a repository's site: https://<owner>.github.io/<repo>/, or
 * https://<owner>.github.io/ for the repository named <owner>.github.io. Undefined for anything
 * that is not OWNER/NAME.
 */
export function defaultPagesUrl(repository: string): string | undefined {
  const [owner, name, ...rest] = repository.split('/')
  if (!owner || !name || rest.length) return undefined
  const host = `${owner.toLowerCase()}.github.io`
  return name.toLowerCase() === host ? `https://${host}/` : `https://${host}/${name}/`
}

/** Uploads `dir`, its front page written already, as the Pages artifact; resolves to its id. */
export async function uploadPagesArtifact(
  dir: string,
  tempDir: string,
  reporter: PhaseReporter,
): Promise<number> {
  const work = await mkdtemp(join(tempDir, 'pakman-pages-'))
  try {
    const archive = join(work, 'artifact.tar')
    await tar([
      '--create',
      `--file=${archive}`,
      `--directory=${dir}`,
      // Files, never links: Pages refuses an artifact with symbolic or hard links.
      '--dereference',
      '--hard-dereference',
      // Hidden files (PAKman's .pakman-output marker) are not part of the site.
      '--exclude=.[^/]*',
      '.',
    ])
    const { size } = await stat(archive)
    if (size > PAGES_SITE_LIMIT)
      reporter.warning(
        `the site is ${size} bytes, more than the 1 GB GitHub Pages publishes; the deployment may fail`,
      )
    const uploaded = await uploadDirectory(PAGES_ARTIFACT, work, reporter, PAGES_RETENTION_DAYS)
    reporter.info(
      `uploaded artifact ${PAGES_ARTIFACT} (id ${uploaded.id}, ${size} bytes of artifact.tar)`,
    )
    return uploaded.id
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

async function tar(args: string[]): Promise<void> {
  try {
    await promisify(execFile)('tar', args, { maxBuffer: 1 << 20 })
  } catch (error) {
    const failure = error as { stderr?: string; message: string }
    throw new Error(
      `tar failed making the Pages artifact: ${failure.stderr?.trim().split('\n').pop() || failure.message}`,
      { cause: error },
    )
  }
}

import { readdir } from 'node:fs/promises'
import { OUTPUT_MARKER } from './output.js'
import { join } from 'node:path'
import type { PhaseReporter } from '../report/index.js'

/** Uploads a directory as one workflow artifact, through the real @actions/artifact client. */
export interface ArtifactResult {
  id: number
  size: number
}

/**
 * The artifact holds the repository tree as written (<repo>/<arch>/…) plus the public key and
 * pakman.json. A re-run of the same job replaces its own artifact instead of failing on the name.
 */
export async function uploadDirectory(
  name: string,
  dir: string,
  reporter: PhaseReporter,
  /** Days the artifact is kept; the repository's setting when not given. */
  retentionDays?: number,
): Promise<ArtifactResult> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const files = await listFiles(dir)
  const upload = () =>
    client.uploadArtifact(name, files, dir, {
      compressionLevel: 0, // packages are gzip already
      ...(retentionDays !== undefined && { retentionDays }),
    })
  let response
  try {
    response = await upload()
  } catch (error) {
    if (!/already exists/i.test((error as Error).message)) throw error
    reporter.info(`an artifact named ${name} exists from an earlier attempt; replacing it`)
    await client.deleteArtifact(name)
    response = await upload()
  }
  if (!response.id) throw new Error(`the artifact service did not confirm the upload of ${name}`)
  return { id: response.id, size: response.size ?? 0 }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return (
    entries
      // The output marker is for PAKman on this machine, not part of what is published.
      .filter((e) => e.isFile() && e.name !== OUTPUT_MARKER)
      .map((e) => join(e.parentPath, e.name))
      .sort()
  )
}

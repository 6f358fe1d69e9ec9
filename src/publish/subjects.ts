import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'

/** A file a build wrote, as an attestation names it. */
export interface Subject {
  path: string
  kind: string
  sha256: string
}

/**
 * The packages and their SBOMs in `sha256sum` form (digest, two spaces, file name), the file
 * actions/attest-build-provenance takes as subject-checksums, so one step attests them all.
 * Written into `dir` (RUNNER_TEMP), not the output: it describes the output.
 */
export async function writeSubjectChecksums(
  files: readonly Subject[],
  dir: string,
  name: string,
): Promise<string> {
  const lines = files
    .filter((f) => f.kind === 'package' || f.kind === 'sbom')
    .map((f) => `${f.sha256}  ${basename(f.path)}\n`)
  const path = join(dir, `${name}.sha256`)
  await writeFile(path, lines.join(''), { mode: 0o644 })
  return path
}

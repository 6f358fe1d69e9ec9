import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Writes a stand-in `docker` (for PAKMAN_DOCKER) into `dir`: it answers `docker version` and fails
 * everything else, so a build gets past its Docker check and stops at the first image it needs,
 * after the phases that come before it (render, stack, output directory, signing key).
 */
export async function fakeDocker(dir: string): Promise<string> {
  const file = join(dir, 'fake-docker')
  await writeFile(
    file,
    [
      '#!/bin/sh',
      'if [ "$1" = version ]; then echo "27.0.0"; exit 0; fi',
      'echo "fake docker cannot $1" >&2',
      'exit 1',
      '',
    ].join('\n'),
  )
  await chmod(file, 0o755)
  return file
}

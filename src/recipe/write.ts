import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { handOver } from '../ownership/index.js'
import type { Recipe } from './render.js'

/**
 * Writes the recipe so that the directory is either the old one or the complete new one, never a
 * mix: files go to a sibling temporary directory which then replaces the target. Everything is
 * owned by the workspace's owner, also when PAKman runs as root. Returns the absolute path written.
 */
export async function writeRecipe(workspace: string, recipe: Recipe): Promise<string> {
  const target = resolve(workspace, recipe.dir)
  const owner = await stat(workspace)
  const giveAway = (path: string) => handOver(path, owner)
  await mkdir(dirname(target), { recursive: true })
  for (let dir = dirname(target); dir.startsWith(resolve(workspace, '.apk')); dir = dirname(dir))
    await giveAway(dir)
  const staging = await mkdtemp(join(dirname(target), '.staging-'))
  try {
    for (const file of recipe.files) {
      const path = join(staging, file.name)
      await writeFile(path, file.content, { mode: file.mode })
      await chmod(path, file.mode) // writeFile's mode is filtered by the umask
      await giveAway(path)
    }
    await chmod(staging, 0o755)
    await giveAway(staging)
    const previous = `${staging}.old`
    await rename(target, previous).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
    })
    await rename(staging, target)
    await rm(previous, { recursive: true, force: true })
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  return target
}

import { access, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrors, type Diagnostic, type LoadedConfig } from '../config/index.js'
import { renderRecipe, type Recipe, type RecipeContext } from './render.js'
import { writeRecipe } from './write.js'

export interface BootstrapResult {
  recipe: Recipe
  /** Absolute path of the recipe directory; undefined when errors stopped the write. */
  dir?: string
  diagnostics: Diagnostic[]
}

/** What bootstrap would write, and every reason it would refuse to. */
export interface PlannedRecipe {
  recipe: Recipe
  diagnostics: Diagnostic[]
}

/**
 * Everything bootstrap refuses, found without writing anything. `pakman check` calls this too, so
 * that check never passes a config that bootstrap then refuses.
 */
export async function planRecipe(
  workspace: string,
  loaded: LoadedConfig,
  context: RecipeContext,
): Promise<PlannedRecipe> {
  const recipe = renderRecipe(loaded, context)
  const diagnostics = [...recipe.diagnostics]
  const refuse = (path: (string | number)[], message: string) =>
    diagnostics.push(loaded.source.diagnostic('error', path, message))
  const info = await stat(workspace).catch(() => undefined)
  if (!info?.isDirectory()) {
    // The recipe is written under the workspace, so it must be a directory that exists.
    refuse([], `the workspace ${workspace} is not a directory`)
  } else if (loaded.config.type === 'static' && !(await exists(join(workspace, 'nginx.conf')))) {
    refuse(
      ['type'],
      'type: static installs nginx.conf from the repository root as /etc/<name>/default.conf, but there is no nginx.conf',
    )
  }
  return { recipe, diagnostics }
}

/** The original's `pakman bootstrap`: render the recipe and write it into the workspace. */
export async function bootstrap(
  workspace: string,
  loaded: LoadedConfig,
  context: RecipeContext,
): Promise<BootstrapResult> {
  const { recipe, diagnostics } = await planRecipe(workspace, loaded, context)
  if (hasErrors(diagnostics)) return { recipe, diagnostics }
  return { recipe, dir: await writeRecipe(workspace, recipe), diagnostics }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

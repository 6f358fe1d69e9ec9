import { hasErrors, type LoadedConfig } from '../config/index.js'
import type { Reporter } from '../report/index.js'
import { resolveContext, type ContextOptions } from './context.js'
import { bootstrap } from './plan.js'
import type { Recipe } from './render.js'

export interface WrittenRecipe {
  recipe: Recipe
  /** Absolute path of the recipe directory. */
  dir: string
}

/**
 * The render phase: repository, version and build number worked out (a 0.0.0 fallback or a
 * dropped pre-release is reported, as it changes what apk installs), the recipe written into the
 * workspace and its files listed. A build's architecture goes into arch= when the config lists none.
 */
export async function renderRecipeStage(
  loaded: LoadedConfig,
  options: ContextOptions & { arch?: string; configLabel: string },
  reporter: Reporter,
): Promise<WrittenRecipe> {
  const context = await resolveContext(options)
  for (const note of context.notes)
    if (note.severity === 'warning') reporter.warning(note.message)
    else reporter.info(note.message)
  const architectures = options.arch
    ? architecturesFor(loaded, options.arch, options.configLabel)
    : undefined
  const result = await bootstrap(options.workspace, loaded, {
    ...context,
    ...(architectures && { architectures }),
  })
  reporter.diagnostics(result.diagnostics)
  if (!result.dir || hasErrors(result.diagnostics))
    throw new Error('the recipe was not written because of the errors above')
  for (const file of result.recipe.files) reporter.info(`${result.recipe.dir}/${file.name}`)
  return { recipe: result.recipe, dir: result.dir }
}

/** `architectures:` in the config limits what may be built; otherwise the recipe names this arch. */
function architecturesFor(loaded: LoadedConfig, arch: string, configLabel: string): string[] {
  const allowed = loaded.config.architectures
  if (allowed && !allowed.includes(arch as never) && !allowed.includes('noarch')) {
    throw new Error(
      `${arch} is not among the architectures ${configLabel} allows (${allowed.join(', ')})`,
    )
  }
  return allowed ? [...allowed] : [arch]
}

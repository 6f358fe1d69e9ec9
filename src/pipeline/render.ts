import { byPosition, configLabel, hasErrors, loadConfigFile, readConfig } from '../config/index.js'
import type { Diagnostic, LoadedConfig } from '../config/index.js'
import { runEnvironment } from '../github/index.js'
import {
  planRecipe,
  renderRecipeStage,
  resolveContext,
  type ContextOptions,
  type Recipe,
} from '../recipe/index.js'
import type { OptionName, Reporter } from '../report/index.js'

export interface RenderSettings {
  workspace: string
  configFile: string
  repository?: string
  version?: string
  buildNumber?: string
  /** Build architecture; recipes rendered for a build list it in arch= when the config does not. */
  arch?: string
  /** false: no SBOM in the packages (default: one in each). */
  sbom?: boolean
}

export interface Rendered {
  /** The config file as messages name it (configLabel), worked out once for the whole build. */
  configLabel: string
  loaded: LoadedConfig
  recipe: Recipe
  /** Absolute path of the recipe directory. */
  recipeDir: string
}

export interface Checked {
  ok: boolean
  /** The config's own problems and the recipe's, in file order. */
  diagnostics: Diagnostic[]
}

/**
 * `pakman check`: the config, then the same context and refusals as bootstrap (planRecipe), without
 * writing. A context bootstrap cannot work out (no repository, a bad build number) throws the same
 * error bootstrap does.
 */
export async function check(settings: RenderSettings, option: OptionName): Promise<Checked> {
  const loaded = await loadConfigFile(settings.configFile)
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics }
  const context = await resolveContext(contextOptions(settings, option))
  const planned = await planRecipe(settings.workspace, loaded, context)
  const diagnostics = [...loaded.diagnostics, ...planned.diagnostics].sort(byPosition)
  return { ok: !hasErrors(diagnostics), diagnostics }
}

/** `pakman bootstrap`, the action with build: false, and a build's first phases. */
export async function render(settings: RenderSettings, reporter: Reporter): Promise<Rendered> {
  const label = configLabel(settings.workspace, settings.configFile)
  const loaded = await reporter.group(`Read ${label}`, () =>
    readConfig(settings.configFile, label, (list) => reporter.diagnostics(list)),
  )
  const written = await reporter.group('Render the recipe', () =>
    renderRecipeStage(
      loaded,
      {
        ...contextOptions(settings, reporter.option),
        configLabel: label,
        ...(settings.arch && { arch: settings.arch }),
      },
      reporter,
    ),
  )
  return { configLabel: label, loaded, recipe: written.recipe, recipeDir: written.dir }
}

/** check and render work out repository, version and build number from the same settings. */
function contextOptions(settings: RenderSettings, option: OptionName): ContextOptions {
  return {
    workspace: settings.workspace,
    ...(settings.repository && { repository: settings.repository }),
    ...(settings.version && { version: settings.version }),
    ...(settings.buildNumber && { buildNumber: settings.buildNumber }),
    run: runEnvironment(),
    option,
    ...(settings.sbom === false && { sbom: false }),
  }
}

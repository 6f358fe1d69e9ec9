import { NAME, type Diagnostic, type LoadedConfig } from '../config/index.js'
import { VERSION } from '../report/index.js'
import { sbomTemplate, type SbomComponent } from '../sbom/index.js'
import { buildModel, type RecipeInputs, type RecipeModel } from './model.js'
import { packageName, recipePath, type Repository } from './naming.js'
import * as templates from './templates.js'

export interface RecipeFile {
  /** File name inside the recipe directory. */
  name: string
  content: string
  mode: number
  /** The interpreter the file is for, so tests can lint each with the right tool; data: none. */
  shell: 'apkbuild' | 'sh' | 'bash' | 'execline' | 'awk' | 'data'
}

export interface Recipe {
  repository: Repository
  /** Relative to the workspace: `.apk/<owner-slug>/<name-slug>`. */
  dir: string
  packageName: string
  version: string
  release: number
  /** The workspace snapshot the APKBUILD takes as its first source: `$pkgname-$pkgver.tar`. */
  snapshot: string
  files: RecipeFile[]
  /** depends= and makedepends= as the APKBUILD lists them (the build environment installs both). */
  dependencies: { build: string[]; runtime: string[] }
  /** Who a service's processes and one-off commands run as; undefined without a service. */
  serviceUser?: string
  diagnostics: Diagnostic[]
}

export interface RecipeContext {
  repository: Repository
  version: string
  release: number
  /** arch= when instellar.yml has no architectures (a build passes the arch it builds). */
  architectures?: readonly string[]
  /** What the packages' SBOMs say beyond their files; none: the packages carry no SBOM. */
  sbom?: SbomFacts
}

/** What an SBOM tells that the recipe does not: the commit and the application's dependencies. */
export interface SbomFacts {
  commit?: string
  components: readonly SbomComponent[]
}

/** Renders the recipe in memory; nothing touches the disk here. */
export function renderRecipe(loaded: LoadedConfig, context: RecipeContext): Recipe {
  const name = packageName(context.repository)
  if (!NAME.test(name))
    return assembleRecipe(context, name, undefined, [
      unusableNameError(loaded, context.repository, name),
    ])

  const diagnostics = configWarnings(loaded, context.repository, name)
  const inputs: RecipeInputs = {
    owner: context.repository.owner,
    repo: context.repository.name,
    name,
    version: context.version,
    release: context.release,
    ...(context.architectures && { architectures: context.architectures }),
    sbom: context.sbom !== undefined,
  }
  const model = buildModel(loaded.config, inputs)
  return assembleRecipe(context, name, model, diagnostics)
}

function assembleRecipe(
  context: RecipeContext,
  name: string,
  model: RecipeModel | undefined,
  diagnostics: Diagnostic[],
): Recipe {
  return {
    repository: context.repository,
    dir: recipePath(context.repository),
    packageName: name,
    version: context.version,
    release: context.release,
    snapshot: `${name}-${context.version}.tar`,
    files: model ? recipeFiles(model, name, context) : [],
    dependencies: { build: [...(model?.makedepends ?? [])], runtime: [...(model?.depends ?? [])] },
    ...(model?.service && { serviceUser: model.service.account ?? 'root' }),
    diagnostics,
  }
}

function unusableNameError(loaded: LoadedConfig, repository: Repository, name: string): Diagnostic {
  return loaded.source.diagnostic(
    'error',
    [],
    `the repository name ${repository.name} gives no usable package name (${JSON.stringify(name)})`,
  )
}

/** What in instellar.yml will not do what it seems to, given the package name. */
function configWarnings(loaded: LoadedConfig, repository: Repository, name: string): Diagnostic[] {
  return [runNameWarning(loaded, repository, name), ...foreignOpenrcWarnings(loaded, name)].filter(
    (warning) => warning !== undefined,
  )
}

function runNameWarning(
  { config, source }: LoadedConfig,
  repository: Repository,
  name: string,
): Diagnostic | undefined {
  if (!config.run || config.run.name === name || config.type === 'static') return undefined
  return source.diagnostic(
    'warning',
    ['run', 'name'],
    `run.name ${config.run.name} differs from the package name ${name} (from the repository ${repository.owner}/${repository.name}); ` +
      `the service files, account and /var/lib directory will all be named ${name}. Set run.name: ${name} to match`,
  )
}

/** Runtime dependencies `<other>-openrc` that look meant as this package's own subpackage. */
function foreignOpenrcWarnings({ config, source }: LoadedConfig, name: string): Diagnostic[] {
  const warnings: Diagnostic[] = []
  config.dependencies.runtime?.forEach((dependency, i) => {
    const openrcOf = /^(.+)-openrc$/.exec(dependency)?.[1]
    if (openrcOf && openrcOf !== name && !['s6', 'nginx', 'openrc'].includes(openrcOf)) {
      warnings.push(
        source.diagnostic(
          'warning',
          ['dependencies', 'runtime', i],
          `${dependency} is not this package's service subpackage (${name}-openrc); apk will look for a package named ${dependency}`,
        ),
      )
    }
  })
  return warnings
}

/**
 * The APKBUILD, pre-install, the other install hooks used, with a service its files, and with an
 * SBOM each package's SPDX template and the awk program that completes it.
 */
function recipeFiles(model: RecipeModel, name: string, context: RecipeContext): RecipeFile[] {
  const file = (
    suffix: string,
    content: string,
    shell: RecipeFile['shell'],
    mode = 0o644,
  ): RecipeFile => ({
    name: suffix === 'APKBUILD' ? suffix : `${name}.${suffix}`,
    content,
    mode,
    shell,
  })

  const files: RecipeFile[] = [file('APKBUILD', templates.apkbuild(model), 'apkbuild')]
  for (const stage of model.installScripts) {
    files.push(file(stage, templates.installScript(model, stage), 'sh', 0o755))
  }
  if (model.service) {
    files.push(
      file('initd', templates.initd(model, model.service), 'sh', 0o755),
      file('run', templates.run(model, model.service), 'bash', 0o755),
      file('finish', templates.finish(), 'execline', 0o755),
      file('log', templates.log(model), 'execline', 0o755),
      file('environment', templates.environment(), 'bash', 0o755),
      file('env-exec', templates.envExec(model, model.service), 'bash', 0o755),
      file('profile', templates.profile(model), 'sh', 0o755),
    )
  }
  if (context.sbom) files.push(...sbomFiles(model, context, context.sbom))
  return files
}

function sbomFiles(model: RecipeModel, context: RecipeContext, facts: SbomFacts): RecipeFile[] {
  const version = `${context.version}-r${context.release}`
  const subject = (
    packageName: string,
    depends: readonly string[],
    components = facts.components,
  ) => ({
    name: `${packageName}.spdx.in`,
    content: sbomTemplate({
      name: packageName,
      version,
      owner: context.repository.owner,
      repo: context.repository.name,
      ...(facts.commit && { commit: facts.commit }),
      depends,
      components,
      tool: VERSION,
    }),
    mode: 0o644,
    shell: 'data' as const,
  })
  return [
    { name: templates.SBOM_AWK, content: templates.sbomAwk(), mode: 0o644, shell: 'awk' },
    subject(model.name, model.depends),
    // The -openrc subpackage holds the init script only; abuild gives it no dependencies.
    ...(templates.splitsOpenrc(model) ? [subject(`${model.name}-openrc`, [], [])] : []),
  ]
}

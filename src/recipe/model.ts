import type { InstellarConfig, Stage } from '../config/index.js'
import { dependencyName, STAGES } from '../config/index.js'
import { glob, listEntry, verbatim, word, words, type Verbatim, type Word } from '../shell/index.js'

/**
 * Everything the templates need, already checked: the only bridge between the config's plain
 * strings and the generated files. Every field that reaches a script is a `Word` or `Verbatim`.
 */
export interface RecipeModel {
  name: Word
  version: Word
  release: Word
  url: Word
  architectures: Word[]
  options: Word[]
  depends: Word[]
  makedepends: Word[]
  kind: 'service' | 'static' | 'custom' | 'files'
  /** Hook stages in the order the original lists them (sorted by name), pre-install first. */
  installScripts: Stage[]
  hooks: Partial<Record<Stage, Verbatim>>
  buildCommand: Verbatim
  destinations: Word[]
  sourceOverride?: Verbatim
  packageOverride?: Verbatim
  service?: ServiceModel
  /** Each package gets its SBOM (see templates' sbomFunctions). */
  sbom: boolean
}

export interface ServiceModel {
  /** The default process (`*)` branch) is the first. */
  processes: { name: Word; command: Word; call?: Word }[]
  commands: { name: Word; command: Word; call?: Word }[]
  /** The package's own account when `run.unprivileged`; undefined: root, as the original. */
  account?: Word
}

type RecipeKind = RecipeModel['kind']

function recipeKind(config: InstellarConfig): RecipeKind {
  if (config.type === 'static') return 'static'
  if (config.type === 'custom') return 'custom'
  return config.run ? 'service' : 'files'
}

/**
 * What the generated files themselves run, so a package installs complete whatever the config
 * lists: a service's run, environment and env-exec scripts are bash and call curl and jq; s6
 * supervises it (s6-log, s6-permafailon, s6-setuidgid); finish and log/run are execline scripts.
 * A static site is served by nginx.
 */
const GENERATED_NEEDS: Record<RecipeKind, readonly string[]> = {
  service: ['bash', 'curl', 'jq', 's6', 'execline'],
  static: ['nginx'],
  custom: [],
  files: [],
}

/**
 * depends=: the config's runtime list as written (a repeated entry once), then what the
 * generated files need and the list does not name, in any form (`s6>=2.11` names s6).
 */
function runtimeDepends(config: InstellarConfig): string[] {
  const written = [...new Set(config.dependencies.runtime ?? [])]
  const named = new Set(written.map((d) => dependencyName(d.replace(/^!/, ''))))
  return [...written, ...GENERATED_NEEDS[recipeKind(config)].filter((d) => !named.has(d))]
}

export interface RecipeInputs {
  owner: string
  repo: string
  name: string
  version: string
  release: number
  architectures?: readonly string[]
  sbom: boolean
}

export function buildModel(config: InstellarConfig, inputs: RecipeInputs): RecipeModel {
  const name = word(inputs.name)
  const kind = recipeKind(config)
  const options = ['!check']
  if (!config.dependencies.trace) options.push('!tracedeps')
  if (config.build.strip_binary === false) options.push('!strip')

  // The original lists hooks in Elixir map order, which is sorted by name; pre-install is always
  // first because PAKman writes one itself (merged with the user's, see templates), and a service
  // gets a pre-deinstall of PAKman's too (its clean-up, merged the same way).
  const own = new Set<Stage>(kind === 'service' ? ['pre-deinstall'] : [])
  const stages = STAGES.filter(
    (stage) => stage !== 'pre-install' && (own.has(stage) || config.hook?.[stage] !== undefined),
  )
  const hooks: Partial<Record<Stage, Verbatim>> = {}
  for (const stage of STAGES) {
    const block = config.hook?.[stage]
    if (block !== undefined) hooks[stage] = verbatim(block)
  }

  const appDir = `/var/lib/${inputs.name}`
  const commandPath = (binary: string, path?: string) =>
    word(path ? `${path.replace(/\/$/, '')}/${binary}` : `${appDir}/bin/${binary}`)

  const model: RecipeModel = {
    name,
    version: word(inputs.version),
    release: word(inputs.release),
    url: word(`https://github.com/${inputs.owner}/${inputs.repo}`),
    architectures: (config.architectures ?? inputs.architectures ?? ['x86_64']).map(word),
    options: options.map(listEntry),
    depends: runtimeDepends(config).map(listEntry),
    makedepends: config.dependencies.build.map(listEntry),
    kind,
    installScripts: ['pre-install', ...stages.sort()],
    hooks,
    buildCommand: verbatim(config.build.command),
    destinations: (config.build.destinations ?? []).map(glob),
    sbom: inputs.sbom,
  }
  if (config.source !== undefined) model.sourceOverride = verbatim(config.source)
  if (config.package !== undefined) model.packageOverride = verbatim(config.package)
  if (kind === 'service' && config.run) {
    model.service = {
      processes: config.run.services.map((s) => ({
        name: word(s.name),
        command: commandPath(s.binary, s.path),
        ...(s.start.call ? { call: words(s.start.call) } : {}),
      })),
      commands: (config.run.commands ?? []).map((c) => ({
        name: word(c.name),
        command: commandPath(c.binary, c.path),
        ...(c.call ? { call: words(c.call) } : {}),
      })),
      ...(config.run.unprivileged && { account: name }),
    }
  }
  return model
}

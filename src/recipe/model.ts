import type { InstellarConfig, Stage } from '../config/index.js'
import { STAGES } from '../config/index.js'
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
}

export interface ServiceModel {
  /** The default process (`*)` branch) is the first. */
  processes: { name: Word; command: Word; call?: Word }[]
  commands: { name: Word; command: Word; call?: Word }[]
}

export interface RecipeInputs {
  owner: string
  repo: string
  name: string
  version: string
  release: number
  architectures?: readonly string[]
}

export function buildModel(config: InstellarConfig, inputs: RecipeInputs): RecipeModel {
  const name = word(inputs.name)
  const kind =
    config.type === 'static'
      ? 'static'
      : config.type === 'custom'
        ? 'custom'
        : config.run
          ? 'service'
          : 'files'
  const options = ['!check']
  if (!config.dependencies.trace) options.push('!tracedeps')
  if (config.build.strip_binary === false) options.push('!strip')

  const runtime = [...(config.dependencies.runtime ?? [])]
  if (kind === 'static' && !runtime.includes('nginx')) runtime.push('nginx')

  // The original lists hooks in Elixir map order, which is sorted by name; pre-install is always
  // first because PAKman writes one itself (merged with the user's, see templates).
  const stages = STAGES.filter(
    (stage) => stage !== 'pre-install' && config.hook?.[stage] !== undefined,
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
    depends: runtime.map(listEntry),
    makedepends: config.dependencies.build.map(listEntry),
    kind,
    installScripts: ['pre-install', ...stages.sort()],
    hooks,
    buildCommand: verbatim(config.build.command),
    destinations: (config.build.destinations ?? []).map(glob),
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
    }
  }
  return model
}

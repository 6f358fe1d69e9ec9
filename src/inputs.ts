import * as core from '@actions/core'

/** The action's inputs, read in one place. Names match action.yml. */
export interface Inputs {
  config: string
  workspace: string
  repository: string | undefined
  version: string | undefined
  build: string | undefined
}

export function getInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const optional = (name: string) => core.getInput(name).trim() || undefined
  return {
    config: optional('config') ?? 'instellar.yml',
    workspace: optional('workspace') ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    repository: optional('repository'),
    version: optional('version'),
    build: optional('build-number'),
  }
}

import { isAbsolute, relative, resolve } from 'node:path'
import type { Diagnostic } from './diagnostics.js'
import { loadConfigFile, type LoadedConfig } from './load.js'

/** The config file as the user knows it: relative to the workspace when inside it, else as given. */
export function configLabel(workspace: string, configFile: string): string {
  const rel = relative(workspace, resolve(configFile))
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : configFile
}

/**
 * The first phase of a build: the config, every problem handed to `report` (annotations, or
 * file:line:col lines), and an error counting them when it cannot be used.
 */
export async function readConfig(
  configFile: string,
  label: string,
  report: (diagnostics: readonly Diagnostic[]) => void,
): Promise<LoadedConfig> {
  const result = await loadConfigFile(configFile)
  report(result.diagnostics)
  if (result.ok) return result
  const count = result.diagnostics.filter((d) => d.severity === 'error').length
  throw new Error(`${label} has ${count} error${count === 1 ? '' : 's'}`)
}

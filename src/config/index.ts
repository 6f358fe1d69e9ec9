/*
 * Stage 1, instellar.yml: YAML read with positions, checked by one zod schema (and a JSON Schema
 * derived from it), older layouts upgraded, every problem a diagnostic at its file, line and column.
 */

export { loadConfigFile, parseConfig, type LoadedConfig, type LoadResult } from './load.js'
export { configLabel, readConfig } from './read.js'
export { byPosition, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.js'
export {
  instellarSchema,
  ARCHITECTURES,
  dependencyName,
  LINK_SERVICE_DIR,
  NAME,
  STACK_FORM,
  STACK_PATTERN,
  stackSlug,
  STAGES,
  type InstellarConfig,
  type Architecture,
  type Stage,
} from './schema.js'
export { jsonSchema } from './json-schema.js'

export {
  loadConfigFile,
  loadConfigOrThrow,
  parseConfig,
  type LoadedConfig,
  type LoadResult,
} from './load.js'
export { configLabel, readConfig } from './read.js'
export {
  byPosition,
  ConfigError,
  formatDiagnostic,
  hasErrors,
  type Diagnostic,
} from './diagnostics.js'
export {
  instellarSchema,
  ARCHITECTURES,
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

/*
 * The runner's world: every environment variable PAKman reads. The action's inputs are read in
 * action/inputs.ts, so the CLI never loads @actions/core.
 */

export { runEnvironment, type RunEnvironment } from './context.js'

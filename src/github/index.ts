/*
 * The runner's world: every environment variable PAKman reads, and the action's inputs.
 */

export { runEnvironment, type RunEnvironment } from './context.js'
export { getInputs, type InstellarInputs, type Inputs } from './inputs.js'

export { runEnvironment, type RunEnvironment } from './context.js'
export { getInputs, type InstellarInputs, type Inputs } from './inputs.js'

export { runEnvironment, type RunEnvironment } from './context.js'

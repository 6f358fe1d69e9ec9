/*
 * The Docker engine through its command line, and generated scripts run in throwaway containers
 * that are always removed.
 */

export { Docker } from './docker.js'
export { runScript, SCRIPT_DIR, type ContainerContext } from './script.js'
export type { Mount } from './docker.js'

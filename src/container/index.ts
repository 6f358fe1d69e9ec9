/*
 * The Docker engine through its command line, and generated scripts run in throwaway containers
 * that are always removed.
 */

export { Docker, DockerError, type Mount, type RunSpec } from './docker.js'
export {
  runScript,
  SCRIPT_DIR,
  type ContainerContext,
  type ScriptResult,
  type ScriptRun,
} from './script.js'

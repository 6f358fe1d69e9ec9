/*
 * Every environment variable PAKman reads that is not a setting's fallback (those are named in the
 * settings table and read by src/settings): the runner's GITHUB_* and RUNNER_* variables, the
 * original PAKman's ABUILD_* key pair, and PAKman's own. The rest of the code takes these values as
 * parameters. Read at each call, so a variable set after start
 * (by a step, by a test) is seen; values are as set, an empty string included.
 */

export interface RunEnvironment {
  /** GITHUB_REPOSITORY: owner/name. */
  repository?: string
  /** GITHUB_RUN_NUMBER: the default build number. */
  runNumber?: string
  /** GITHUB_REF: a pushed tag names the release. */
  ref?: string
  /** GITHUB_API_URL. */
  apiUrl?: string
  /** GITHUB_STEP_SUMMARY: where the job summary goes; unset outside a job. */
  stepSummary?: string
  /** RUNNER_TEMP: scratch space the runner wipes after the job. */
  runnerTemp?: string
  /** SOURCE_DATE_EPOCH: a fixed timestamp for reproducible output. */
  sourceDateEpoch?: string
  /** ABUILD_PRIVATE_KEY and ABUILD_PUBLIC_KEY: the original PAKman's key pair. */
  abuildPrivateKey?: string
  abuildPublicKey?: string
  /** PAKMAN_DOCKER: the docker command to run. */
  docker?: string
  /** XDG_CACHE_HOME: where the directory cache of build environments goes. */
  cacheHome?: string
}

export function runEnvironment(env: NodeJS.ProcessEnv = process.env): RunEnvironment {
  return {
    repository: env.GITHUB_REPOSITORY,
    runNumber: env.GITHUB_RUN_NUMBER,
    ref: env.GITHUB_REF,
    apiUrl: env.GITHUB_API_URL,
    stepSummary: env.GITHUB_STEP_SUMMARY,
    runnerTemp: env.RUNNER_TEMP,
    sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    abuildPrivateKey: env.ABUILD_PRIVATE_KEY,
    abuildPublicKey: env.ABUILD_PUBLIC_KEY,
    docker: env.PAKMAN_DOCKER,
    cacheHome: env.XDG_CACHE_HOME,
  }
}

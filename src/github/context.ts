/*
 * Every environment variable PAKman reads, read here and nowhere else: the runner's GITHUB_* and
 * RUNNER_* variables, the original PAKman's ABUILD_* and INSTELLAR_* ones, and PAKman's own. The rest
 * of the code takes these values as parameters. Read at each call, so a variable set after start
 * (by a step, by a test) is seen; values are as set, an empty string included.
 */

export interface RunEnvironment {
  /** GITHUB_REPOSITORY: owner/name. */
  repository?: string
  /** GITHUB_WORKSPACE: the checkout. */
  workspace?: string
  /** GITHUB_RUN_NUMBER: the default build number. */
  runNumber?: string
  /** GITHUB_REF and GITHUB_SHA, and the WORKFLOW_* pair that a reusable workflow passes. */
  ref?: string
  sha?: string
  workflowRef?: string
  workflowSha?: string
  /** GITHUB_TOKEN, GITHUB_API_URL. */
  token?: string
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
  /** INSTELLAR_AUTH_TOKEN, INSTELLAR_PACKAGE_TOKEN, INSTELLAR_ENDPOINT. */
  instellarAuthToken?: string
  instellarPackageToken?: string
  instellarEndpoint?: string
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: upload: s3's credentials, as
   * aws-actions/configure-aws-credentials (OIDC) sets them. */
  awsAccessKeyId?: string
  awsSecretAccessKey?: string
  awsSessionToken?: string
  /** AWS_REGION, else AWS_DEFAULT_REGION. */
  awsRegion?: string
  /** PAKMAN_DOCKER: the docker command to run. */
  docker?: string
  /** XDG_CACHE_HOME: where the directory cache of build environments goes. */
  cacheHome?: string
}

export function runEnvironment(env: NodeJS.ProcessEnv = process.env): RunEnvironment {
  return {
    repository: env.GITHUB_REPOSITORY,
    workspace: env.GITHUB_WORKSPACE,
    runNumber: env.GITHUB_RUN_NUMBER,
    ref: env.GITHUB_REF,
    sha: env.GITHUB_SHA,
    workflowRef: env.WORKFLOW_REF,
    workflowSha: env.WORKFLOW_SHA,
    token: env.GITHUB_TOKEN,
    apiUrl: env.GITHUB_API_URL,
    stepSummary: env.GITHUB_STEP_SUMMARY,
    runnerTemp: env.RUNNER_TEMP,
    sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    abuildPrivateKey: env.ABUILD_PRIVATE_KEY,
    abuildPublicKey: env.ABUILD_PUBLIC_KEY,
    instellarAuthToken: env.INSTELLAR_AUTH_TOKEN,
    instellarPackageToken: env.INSTELLAR_PACKAGE_TOKEN,
    instellarEndpoint: env.INSTELLAR_ENDPOINT,
    awsAccessKeyId: env.AWS_ACCESS_KEY_ID,
    awsSecretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    awsSessionToken: env.AWS_SESSION_TOKEN,
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION,
    docker: env.PAKMAN_DOCKER,
    cacheHome: env.XDG_CACHE_HOME,
  }
}

import * as core from '@actions/core'
import { homedir, tmpdir } from 'node:os'
import { parseSignatureChoice, secretsOf, type SignatureChoice } from '../signing/index.js'
import { join } from 'node:path'
import { runEnvironment, type RunEnvironment } from '../github/index.js'
import { fromEnvironment, settingOf, spellInput, type SettingKey } from '../settings/index.js'

/** The action's inputs, read in one place. Names match action.yml. */
export interface Inputs {
  config: string
  workspace: string
  repository?: string
  version?: string
  buildNumber?: string
  build: boolean
  stack?: string
  image?: string
  arch?: string
  packagesDir: string
  signingKey?: string
  signingKeyName?: string
  publicKey?: string
  /** The signatures on packages and indexes, when given (a build signs rsa without; a merge
   *  follows the build jobs' pakman.json and refuses another choice). */
  signature?: SignatureChoice
  cache: boolean
  /** build-cache, build-cache-paths and build-cache-limit, as given. */
  buildCache: { enabled: boolean; paths: string[]; limit?: string }
  /** sbom: an SPDX SBOM in each package and beside it. */
  sbom: boolean
  /** false skips the install test (verification of signatures and the index always runs). */
  verify: boolean
  /** Where the build goes: a workflow artifact, release assets, an Instellar deployment, GitHub Pages, an S3 bucket, or nowhere. */
  upload: { artifact: boolean; release: boolean; instellar: boolean; pages: boolean; s3: boolean }
  /** The repository's public URL: for its front page (Pages: the github.io one by default), and what upload s3 reports (default: the bucket's own URL). */
  repositoryUrl?: string
  /** upload: instellar — the platform, its tokens (masked when read) and what to deploy. */
  instellar: InstellarInputs
  /** upload: s3 — the bucket, where in it, and the credentials (masked when read). */
  s3: S3Inputs
  artifactName?: string
  /** The tag to release: the release-tag input, else the pushed tag. */
  releaseTag?: string
  githubToken?: string
  mode: 'build' | 'merge'
  /** Where secrets and scratch files go: RUNNER_TEMP, wiped by the runner after the job. */
  tempDir: string
  /** The run's own repository (GITHUB_REPOSITORY), where releases and deployments go. */
  runRepository?: string
  /** The REST API root (GITHUB_API_URL). */
  apiUrl?: string
  /** SOURCE_DATE_EPOCH as set, for the merged indexes' timestamps. */
  sourceDateEpoch?: string
}

export interface InstellarInputs {
  authToken?: string
  packageToken?: string
  endpoint?: string
  /** WORKFLOW_SHA, else GITHUB_SHA: a set but empty variable is kept, as the original did. */
  sha?: string
  ref?: string
  dryRun: boolean
}

export interface S3Inputs {
  bucket?: string
  prefix?: string
  /** s3-region, else AWS_REGION, else AWS_DEFAULT_REGION. */
  region?: string
  endpoint?: string
  pathStyle: boolean
  /** The s3-* inputs, else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
  overwrite: boolean
  prune: boolean
}

export function getInputs(env: RunEnvironment = runEnvironment()): Inputs {
  /**
   * The input, else its environment fallback (empty only where the table says an empty variable
   * is a value: WORKFLOW_SHA, as the original had it); a secret is masked before anything can
   * print it.
   */
  const optional = (key: SettingKey) => {
    const value = core.getInput(key).trim() || fromEnvironment(key)
    if (value && settingOf(key).secret) core.setSecret(value)
    return value
  }
  /** An input with a default: the runner passes action.yml's, the table's stands in without it. */
  const withDefault = (key: SettingKey) => optional(key) ?? settingOf(key).default ?? ''
  const on = (key: SettingKey) =>
    core.getInput(key).trim() ? core.getBooleanInput(key) : settingOf(key).default === 'true'
  // The original PAKman took the key pair from these variables; keep accepting them.
  const signingKey = core.getInput('signing-key') || env.abuildPrivateKey || undefined
  const publicKey = env.abuildPublicKey || undefined
  if (signingKey) for (const secret of secretsOf(signingKey)) core.setSecret(secret)
  // Given or not: a merge refuses only a choice that was asked for.
  const signature = optional('signature')
  return {
    config: withDefault('config'),
    workspace: optional('workspace') ?? process.cwd(),
    ...optionalEntry('repository', optional('repository')),
    ...optionalEntry('version', optional('version')),
    ...optionalEntry('buildNumber', optional('build-number')),
    build: on('build'),
    ...optionalEntry('stack', optional('stack')),
    ...optionalEntry('image', optional('image')),
    ...optionalEntry('arch', optional('arch')),
    packagesDir: optional('packages-dir') ?? join(homedir(), 'packages'),
    ...optionalEntry('signingKey', signingKey),
    ...optionalEntry('signingKeyName', optional('signing-key-name')),
    ...optionalEntry('publicKey', publicKey),
    ...(signature !== undefined && {
      signature: parseSignatureChoice(signature, spellInput('signature')),
    }),
    cache: on('cache'),
    buildCache: {
      enabled: on('build-cache'),
      paths: core
        .getMultilineInput('build-cache-paths')
        .flatMap((line) => line.split(','))
        .filter((path) => path.trim()),
      ...optionalEntry('limit', optional('build-cache-limit')),
    },
    verify: on('verify'),
    sbom: on('sbom'),
    upload: parseUpload(withDefault('upload')),
    ...optionalEntry('repositoryUrl', optional('repository-url')),
    ...optionalEntry('artifactName', optional('artifact-name')),
    ...optionalEntry(
      'releaseTag',
      optional('release-tag') ?? env.ref?.match(/^refs\/tags\/(.+)$/)?.[1],
    ),
    ...optionalEntry('githubToken', optional('github-token')),
    instellar: {
      ...optionalEntry('authToken', optional('instellar-auth-token')),
      ...optionalEntry('packageToken', optional('instellar-package-token')),
      ...optionalEntry('endpoint', optional('instellar-endpoint')),
      ...optionalEntry('sha', optional('workflow-sha')),
      ...optionalEntry('ref', optional('workflow-ref')),
      dryRun: on('instellar-dry-run'),
    },
    s3: {
      ...optionalEntry('bucket', optional('s3-bucket')),
      ...optionalEntry('prefix', optional('s3-prefix')),
      ...optionalEntry('region', optional('s3-region')),
      ...optionalEntry('endpoint', optional('s3-endpoint')),
      pathStyle: on('s3-path-style'),
      ...optionalEntry('accessKeyId', optional('s3-access-key-id')),
      ...optionalEntry('secretAccessKey', optional('s3-secret-access-key')),
      ...optionalEntry('sessionToken', optional('s3-session-token')),
      overwrite: on('s3-overwrite'),
      prune: on('s3-prune'),
    },
    mode: parseMode(withDefault('mode')),
    tempDir: env.runnerTemp || tmpdir(),
    ...optionalEntry('runRepository', env.repository),
    ...optionalEntry('apiUrl', env.apiUrl),
    ...optionalEntry('sourceDateEpoch', env.sourceDateEpoch),
  }
}

function optionalEntry<K extends string>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}

function parseUpload(text: string): Inputs['upload'] {
  const values = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
  const known = ['artifact', 'release', 'instellar', 'pages', 's3', 'none']
  const unknown = values.filter((v) => !known.includes(v))
  if (unknown.length)
    throw new Error(`upload: ${unknown.join(', ')} is not one of ${known.join(', ')}`)
  return {
    artifact: values.includes('artifact'),
    release: values.includes('release'),
    instellar: values.includes('instellar'),
    pages: values.includes('pages'),
    s3: values.includes('s3'),
  }
}

function parseMode(text: string): Inputs['mode'] {
  if (text !== 'build' && text !== 'merge') throw new Error(`mode: ${text} is not build or merge`)
  return text
}

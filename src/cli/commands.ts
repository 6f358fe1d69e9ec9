import { parseArgs } from 'node:util'
import type { OptionKey } from '../report/index.js'

/*
 * What the pakman command accepts: every option, which commands take which, and the parsing of one
 * command's arguments against them. Help text and messages are built from these tables.
 */

interface Flag {
  type: 'string' | 'boolean'
  /** What the value looks like in usage lines. */
  value?: string
  multiple?: boolean
  help: string
}

export const FLAGS = {
  config: {
    type: 'string',
    value: 'FILE',
    help: 'the config file (default: instellar.yml in the workspace)',
  },
  workspace: {
    type: 'string',
    value: 'DIR',
    help: 'the application repository (default: GITHUB_WORKSPACE, else the current directory)',
  },
  repository: {
    type: 'string',
    value: 'OWNER/NAME',
    help: 'the package is named after NAME (default: GITHUB_REPOSITORY, else the origin remote)',
  },
  pkgver: {
    type: 'string',
    value: 'VERSION',
    help: 'package version, a leading v dropped (default: git describe --tags --always)',
  },
  build: {
    type: 'string',
    value: 'N',
    help: 'build number, pkgrel (default: GITHUB_RUN_NUMBER, else 0)',
  },
  stack: {
    type: 'string',
    value: 'alpine/3.N',
    help: "overrides stack: in the config; publish: the stack a build's output goes under when it has no pakman.json",
  },
  arch: { type: 'string', value: 'ARCH', help: "Alpine architecture (default: this machine's)" },
  image: { type: 'string', value: 'REF', help: 'base image instead of alpine:<N>' },
  'signing-key': {
    type: 'string',
    value: 'FILE',
    help: 'PEM RSA private key (default: a throwaway key, with a warning)',
  },
  'signing-key-name': {
    type: 'string',
    value: 'NAME',
    help: 'packages refer to NAME.rsa.pub (default: <owner>-<repo>; a throwaway key: <owner>-<repo>-throwaway-<fingerprint>)',
  },
  signature: {
    type: 'string',
    value: 'rsa|rsa256|both',
    help: 'the signatures on packages and indexes: rsa (RSA/SHA-1, the default, what every apk reads), rsa256 (RSA/SHA-256), both (RSA256 first, then RSA)',
  },
  'packages-dir': {
    type: 'string',
    value: 'DIR',
    help: 'output directory (default: <workspace>/.pakman/packages); one holding files PAKman did not write is refused',
  },
  'no-sbom': {
    type: 'boolean',
    help: 'no SPDX SBOM in the packages (default: one in each, at /var/lib/db/sbom/)',
  },
  'no-cache': { type: 'boolean', help: 'do not keep the build environment in ~/.cache/pakman' },
  'no-build-cache': {
    type: 'boolean',
    help: "do not keep the build command's dependency caches in ~/.cache/pakman/build",
  },
  'build-cache-path': {
    type: 'string',
    value: 'PATH',
    multiple: true,
    help: 'an in-tree path to keep between builds as well (_build, deps, node_modules); repeat for more',
  },
  'build-cache-limit': {
    type: 'string',
    value: 'SIZE',
    help: 'a build cache entry larger than this is not saved (default: 4G)',
  },
  'no-install-test': {
    type: 'boolean',
    help: 'skip installing the main package in a clean container',
  },
  key: {
    type: 'string',
    value: 'NAME.rsa.pub',
    multiple: true,
    help: 'a public key to trust (its file name is its name); repeat for more',
  },
  sha: {
    type: 'string',
    value: 'SHA',
    help: 'the commit to deploy (default: WORKFLOW_SHA, else GITHUB_SHA)',
  },
  ref: {
    type: 'string',
    value: 'REF',
    help: 'the ref the deployment is for (default: WORKFLOW_REF, else GITHUB_REF)',
  },
  endpoint: {
    type: 'string',
    value: 'URL',
    help: 'push: the platform (default: INSTELLAR_ENDPOINT, else https://opsmaru.com); publish s3: the S3 API of a store other than AWS (R2, MinIO, Backblaze, GCS), e.g. https://<account>.r2.cloudflarestorage.com',
  },
  concurrency: {
    type: 'string',
    value: 'N',
    help: 'files uploaded at once (default: 2 for push, 4 for publish)',
  },
  bucket: { type: 'string', value: 'NAME', help: 'the bucket to publish the repository to' },
  prefix: {
    type: 'string',
    value: 'PATH',
    help: 'a folder in the bucket the repository goes under (default: the top)',
  },
  region: {
    type: 'string',
    value: 'REGION',
    help: "the bucket's region (default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1)",
  },
  'path-style': {
    type: 'boolean',
    help: 'address the bucket as <endpoint>/<bucket>/ (MinIO, most self-hosted stores) instead of <bucket>.<endpoint host>/',
  },
  'repository-url': {
    type: 'string',
    value: 'URL',
    help: "where users fetch the repository, a CDN or custom domain (default: the bucket's own URL)",
  },
  overwrite: {
    type: 'boolean',
    help: 'replace packages that are in the bucket already with other bytes (default: refuse, a version must not change under its name)',
  },
  prune: {
    type: 'boolean',
    help: 'delete packages no index lists any more, in the directories published (default: delete nothing)',
  },
  'dry-run': { type: 'boolean', help: 'print every call it would make, and make none' },
  url: {
    type: 'string',
    value: 'URL',
    help: 'the public URL the directory is served at, as the install lines give it (https://owner.github.io/repo/)',
  },
  title: {
    type: 'string',
    value: 'TEXT',
    help: 'the heading of the page (default: Alpine Linux packages)',
  },
  components: {
    type: 'boolean',
    help: 'one line per dependency instead of the document: package, CONTAINS or DEPENDS_ON, name, version, purl',
  },
} satisfies Record<string, Flag>

export type FlagName = keyof typeof FLAGS

const RENDER_FLAGS: FlagName[] = ['config', 'workspace', 'repository', 'pkgver', 'build', 'no-sbom']

export interface Command {
  /** What follows the command besides options. */
  operands?: string
  flags: FlagName[]
  /** Flags the command cannot do without, shown without brackets. */
  required?: FlagName[]
  summary: string
}

export const COMMANDS = {
  check: {
    flags: RENDER_FLAGS,
    summary:
      'validate the config and everything bootstrap would refuse (nginx.conf for type: static, the package name from the repository), writing nothing; prints file:line:col: messages, exits 1 on errors',
  },
  bootstrap: {
    flags: RENDER_FLAGS,
    summary: 'render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory',
  },
  build: {
    flags: [
      ...RENDER_FLAGS,
      ...(['stack', 'arch', 'image', 'signing-key', 'signing-key-name', 'signature'] as const),
      'packages-dir',
      ...(['no-cache', 'no-build-cache', 'build-cache-path', 'build-cache-limit'] as const),
      'no-install-test',
    ],
    summary:
      'render, run abuild in an Alpine container, verify the packages and install the main one in a clean container; prints each file written. The output replaces what --packages-dir held only after a build that succeeded',
  },
  verify: {
    operands: 'DIR-OR-FILE...',
    flags: ['key'],
    required: ['key'],
    summary:
      'check signatures, datahash, file checksums and each APKINDEX against its directory; trusts only the keys given (the file name is the key name, as in /etc/apk/keys)',
  },
  sbom: {
    operands: 'DIR-OR-FILE...',
    flags: ['components'],
    summary:
      'print the SPDX SBOM each package carries (/var/lib/db/sbom/), or with --components its dependencies one per line; reads the packages without judging their signatures (pakman verify does)',
  },
  push: {
    flags: [
      ...(['packages-dir', 'config', 'workspace', 'repository', 'stack'] as const),
      ...(['sha', 'ref', 'endpoint', 'concurrency', 'dry-run'] as const),
    ],
    summary:
      "deploy to Instellar/OpsMaru as the original's push does: upload the packages, the indexes and a zip of them to the storage the platform names, create the deployment for the commit and send kits, sizes, plans and page; --dry-run prints each call instead. Tokens come from INSTELLAR_AUTH_TOKEN and INSTELLAR_PACKAGE_TOKEN only, never flags",
  },
  publish: {
    operands: 's3 DIR',
    flags: [
      ...(['bucket', 'prefix', 'region', 'endpoint', 'path-style', 'repository-url'] as const),
      ...(['stack', 'overwrite', 'prune', 'concurrency'] as const),
    ],
    required: ['bucket'],
    summary:
      "upload a build's or a merge's output directory, a signed repository, to an S3-compatible bucket: packages, then each index, then the public key, then any front page; what the bucket holds with the same size and checksum is skipped, and a package there with other bytes is refused. Prints the repository URL and the lines for /etc/apk/repositories. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN only, never flags",
  },
  site: {
    operands: 'DIR',
    flags: ['url', 'title'],
    required: ['url'],
    summary:
      "write the front page of a signed repository into DIR (a merged <stack>/<repo>/<arch>/ tree, or a build's <repo>/<arch>/, with <key-name>.rsa.pub at the top): index.html and README.md listing every package with its version, size, build time and SHA-256, and the lines that trust the key and add the repository; prints the files written",
  },
  schema: { flags: [], summary: 'print the JSON Schema of instellar.yml' },
  help: {
    operands: '[COMMAND]',
    flags: [],
    summary: 'print this help, or the options of one command',
  },
} satisfies Record<string, Command>

export type CommandName = keyof typeof COMMANDS

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

/** One command's option values, typed after FLAGS; `version` is the deprecated spelling of pkgver. */
export type Values = {
  [K in FlagName]?: (typeof FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof FLAGS)[K]['type'] extends 'boolean'
      ? boolean
      : string
} & { version?: string; help?: boolean }

/** The streams a command writes to: its output, and everything else. */
export interface Io {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
}

/** `--version VALUE` after a command was pkgver before --pkgver; it is accepted, with a warning, until the next release. */
const DEPRECATED_VERSION: Flag = { type: 'string', value: 'VERSION', help: '' }
const TAKES_DEPRECATED_VERSION = new Set(['bootstrap', 'build'])
const HELP_FLAG = { type: 'boolean', short: 'h' } as const

/** The CLI's spelling of each setting the pipeline may name in a message. */
export const CLI_FLAG: Record<OptionKey, FlagName> = {
  config: 'config',
  workspace: 'workspace',
  repository: 'repository',
  version: 'pkgver',
  'build-number': 'build',
  stack: 'stack',
  image: 'image',
  arch: 'arch',
  'packages-dir': 'packages-dir',
  'signing-key': 'signing-key',
  'signing-key-name': 'signing-key-name',
  signature: 'signature',
  cache: 'no-cache',
  'build-cache': 'no-build-cache',
  'build-cache-paths': 'build-cache-path',
  'build-cache-limit': 'build-cache-limit',
  verify: 'no-install-test',
  sbom: 'no-sbom',
  's3-bucket': 'bucket',
  's3-prefix': 'prefix',
  's3-region': 'region',
  's3-endpoint': 'endpoint',
  's3-path-style': 'path-style',
  's3-overwrite': 'overwrite',
  's3-prune': 'prune',
  'repository-url': 'repository-url',
}

/** `--flag VALUE` as usage lines and messages show it. */
export function spell(name: FlagName): string {
  const flag: Flag = FLAGS[name]
  return flag.value ? `--${name} ${flag.value}` : `--${name}`
}

/**
 * Warns that `--version VALUE` after a command is deprecated, or refuses it beside --pkgver
 * (false). Main asks only after answering --help, so help still wins over a refused --version.
 */
export function acceptDeprecatedVersion(values: Values, err: NodeJS.WritableStream): boolean {
  if (values.version === undefined) return true
  if (values.pkgver !== undefined) {
    err.write('pakman: --version is the old spelling of --pkgver; give only --pkgver\n')
    return false
  }
  err.write(
    `pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver ${values.version}\n`,
  )
  return true
}

type Parsed =
  | {
      ok: true
      values: Values
      operands: string[]
    }
  | { ok: false; message: string }

/** Parses a command's arguments against the options that command takes, and no others. */
export function parseCommand(name: CommandName, args: string[]): Parsed {
  const command: Command = COMMANDS[name]
  const options: Record<string, Flag | typeof HELP_FLAG> = { help: HELP_FLAG }
  for (const flag of command.flags) options[flag] = FLAGS[flag]
  if (TAKES_DEPRECATED_VERSION.has(name)) options.version = DEPRECATED_VERSION
  const takes = command.flags.length
    ? `it takes ${command.flags.map((f) => `--${f}`).join(', ')}`
    : 'it takes no options'

  // A loose pass first: an option this command does not take gets a message naming both, and
  // options of every command are known, so their values are not mistaken for operands.
  const loose = parseArgs({
    args,
    options: { ...FLAGS, version: DEPRECATED_VERSION, help: HELP_FLAG },
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const toolVersion = "pakman --version, before any command, prints PAKman's version"
  for (const token of loose.tokens) {
    if (token.kind !== 'option') continue
    if (!Object.hasOwn(options, token.name)) {
      const hint = token.name === 'version' ? `; ${toolVersion}` : ''
      return {
        ok: false,
        message: `${name} does not take ${token.rawName}; ${takes} (see pakman help ${name})${hint}`,
      }
    }
    if (token.name === 'version' && token.value === undefined) {
      return {
        ok: false,
        message: `--version after a command is the old spelling of --pkgver VERSION and needs a value; ${toolVersion}`,
      }
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true,
    })
    if (positionals.length && !command.operands) {
      return { ok: false, message: `${name} takes no arguments, got ${positionals[0]}` }
    }
    // parseArgs types values loosely; options came from FLAGS, so they have FLAGS' types
    return { ok: true, values: values as Values, operands: positionals }
  } catch (error) {
    return { ok: false, message: `${(error as Error).message} (see pakman help ${name})` }
  }
}

import { readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import packageJson from '../package.json' with { type: 'json' }
import { checkPaths, loadTrustedKeys } from './apk/index.js'
import { formatDiagnostic, jsonSchema, loadConfigFile, type Diagnostic } from './config/index.js'
import { DirectoryCache } from './environment/index.js'
import { runEnvironment } from './github/index.js'
import * as pipeline from './pipeline/index.js'
import { DEFAULT_OUTPUT } from './publish/index.js'
import type { OptionKey, Reporter } from './report/index.js'

/** PAKman's own version; esbuild inlines package.json into dist/cli.js, so it travels with it. */
export const VERSION: string = packageJson.version

interface Flag {
  type: 'string' | 'boolean'
  /** What the value looks like in usage lines. */
  value?: string
  multiple?: boolean
  help: string
}

const FLAGS = {
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
  stack: { type: 'string', value: 'alpine/3.N', help: 'overrides stack: in the config' },
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
    help: 'packages refer to NAME.rsa.pub (default: <owner>-<repo>)',
  },
  'packages-dir': {
    type: 'string',
    value: 'DIR',
    help: 'output directory (default: <workspace>/.pakman/packages); one holding files PAKman did not write is refused',
  },
  'no-cache': { type: 'boolean', help: 'do not keep the build environment in ~/.cache/pakman' },
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
    help: 'the platform (default: INSTELLAR_ENDPOINT, else https://opsmaru.com)',
  },
  concurrency: { type: 'string', value: 'N', help: 'files uploaded at once (default: 2)' },
  'dry-run': { type: 'boolean', help: 'print every call it would make, and make none' },
} satisfies Record<string, Flag>

type FlagName = keyof typeof FLAGS

const RENDER_FLAGS: FlagName[] = ['config', 'workspace', 'repository', 'pkgver', 'build']

interface Command {
  /** What follows the command besides options. */
  operands?: string
  flags: FlagName[]
  /** Flags the command cannot do without, shown without brackets. */
  required?: FlagName[]
  summary: string
}

const COMMANDS: Record<string, Command> = {
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
      ...(['stack', 'arch', 'image', 'signing-key', 'signing-key-name', 'packages-dir'] as const),
      ...(['no-cache', 'no-install-test'] as const),
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
  push: {
    flags: [
      ...(['packages-dir', 'config', 'workspace', 'repository', 'stack'] as const),
      ...(['sha', 'ref', 'endpoint', 'concurrency', 'dry-run'] as const),
    ],
    summary:
      "deploy to Instellar/OpsMaru as the original's push does: upload the packages, the indexes and a zip of them to the storage the platform names, create the deployment for the commit and send kits, sizes, plans and page; --dry-run prints each call instead. Tokens come from INSTELLAR_AUTH_TOKEN and INSTELLAR_PACKAGE_TOKEN only, never flags",
  },
  schema: { flags: [], summary: 'print the JSON Schema of instellar.yml' },
  help: {
    operands: '[COMMAND]',
    flags: [],
    summary: 'print this help, or the options of one command',
  },
}

/** `--version VALUE` after a command was pkgver before --pkgver; it is accepted, with a warning, until the next release. */
const DEPRECATED_VERSION: Flag = { type: 'string', value: 'VERSION', help: '' }
const TAKES_DEPRECATED_VERSION = new Set(['bootstrap', 'build'])
const HELP_FLAG = { type: 'boolean', short: 'h' } as const

/** The CLI's spelling of each setting the pipeline may name in a message. */
const CLI_FLAG: Record<OptionKey, FlagName> = {
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
  cache: 'no-cache',
  verify: 'no-install-test',
}

/** `--flag VALUE` as usage lines and messages show it. */
function spell(name: FlagName): string {
  const flag: Flag = FLAGS[name]
  return flag.value ? `--${name} ${flag.value}` : `--${name}`
}

/** `pakman build [--config FILE] …`, wrapped under the command as usage lines are. */
function synopsis(name: string, indent: string): string {
  const command = COMMANDS[name]!
  const parts = [
    ...(command.operands ? [command.operands] : []),
    ...command.flags.map((f) =>
      !command.required?.includes(f)
        ? `[${spell(f)}]`
        : `${spell(f)}${'multiple' in FLAGS[f] ? ` [--${f} …]` : ''}`,
    ),
  ]
  const head = `pakman ${name.padEnd(9)} `
  const lines = [`${indent}${head}`]
  for (const part of parts) {
    const line = lines.at(-1)!
    if (line.length + part.length > 100 && line.trim().length > head.trim().length) {
      lines.push(`${indent}${' '.repeat(head.length)}${part}`)
    } else lines[lines.length - 1] = `${line}${line.endsWith(' ') ? '' : ' '}${part}`
  }
  return lines.map((l) => l.trimEnd()).join('\n')
}

/** Wraps text at 100 columns under a hanging indent. */
function wrap(text: string, indent: string): string {
  const lines = ['']
  for (const word of text.split(' ')) {
    const line = lines.at(-1)!
    if (line && indent.length + line.length + word.length + 1 > 100) lines.push(word)
    else lines[lines.length - 1] = line ? `${line} ${word}` : word
  }
  return lines.join(`\n${indent}`)
}

function usage(): string {
  const names = Object.keys(COMMANDS)
  return [
    `pakman ${VERSION}: build signed Alpine packages from instellar.yml`,
    '',
    'Usage:',
    ...names.map((n) => synopsis(n, '  ')),
    '  pakman --version',
    '',
    ...names.map((n) => `${n.padEnd(10)} ${wrap(COMMANDS[n]!.summary, ' '.repeat(11))}`),
    '',
    'Options go after the command; `pakman help COMMAND` explains them.',
    'Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else',
    'from the current directory and git.',
  ].join('\n')
}

function commandUsage(name: string): string {
  const command = COMMANDS[name]!
  const rows: [string, string][] = [
    ...command.flags.map((f): [string, string] => [spell(f), FLAGS[f].help]),
    ['-h, --help', 'print this help'],
  ]
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return [
    `Usage:\n${synopsis(name, '  ')}`,
    '',
    wrap(command.summary, ''),
    '',
    'Options:',
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}${wrap(help, ' '.repeat(width + 2))}`),
  ].join('\n')
}

type Parsed =
  | {
      ok: true
      values: Record<string, string | string[] | boolean | undefined>
      operands: string[]
    }
  | { ok: false; message: string }

/** Parses a command's arguments against the options that command takes, and no others. */
function parseCommand(name: string, args: string[]): Parsed {
  const command = COMMANDS[name]!
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
    return { ok: true, values, operands: positionals }
  } catch (error) {
    return { ok: false, message: `${(error as Error).message} (see pakman help ${name})` }
  }
}

/** Runs one CLI invocation and returns the exit status; never throws for bad input. */
export async function main(
  argv: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined) {
    err.write(`${usage()}\n`)
    return 2
  }
  if (first === '--version' || first === '-V') {
    if (rest.length) {
      err.write(`pakman: ${first} takes nothing after it, got ${rest[0]}\n`)
      return 2
    }
    out.write(`${VERSION}\n`)
    return 0
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    const [topic, ...more] = rest
    if (more.length) {
      err.write(`pakman: help takes one command, got ${rest.join(' ')}\n`)
      return 2
    }
    if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) {
      err.write(`pakman: unknown command ${topic}; the commands are ${commandList()}\n`)
      return 2
    }
    out.write(`${topic === undefined ? usage() : commandUsage(topic)}\n`)
    return 0
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    const why = first.startsWith('-')
      ? `the command comes first: pakman COMMAND [options], and ${first} is not one of pakman's own options (--help, --version)`
      : `unknown command ${first}`
    err.write(`pakman: ${why}\n\n${usage()}\n`)
    return 2
  }
  const command = first
  const parsed = parseCommand(command, rest)
  if (!parsed.ok) {
    err.write(`pakman: ${parsed.message}\n`)
    return 2
  }
  const values = parsed.values as {
    [K in FlagName]?: (typeof FLAGS)[K] extends { multiple: true }
      ? string[]
      : (typeof FLAGS)[K]['type'] extends 'boolean'
        ? boolean
        : string
  } & { version?: string; help?: boolean }
  const extra = parsed.operands
  if (values.help) {
    out.write(`${commandUsage(command)}\n`)
    return 0
  }
  if (values.version !== undefined) {
    if (values.pkgver !== undefined) {
      err.write('pakman: --version is the old spelling of --pkgver; give only --pkgver\n')
      return 2
    }
    err.write(
      `pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver ${values.version}\n`,
    )
  }
  const pkgver = values.pkgver ?? values.version
  const workspace = resolve(values.workspace ?? runEnvironment().workspace ?? '.')
  const configFile = values.config ?? displayPath(resolve(workspace, 'instellar.yml'))
  const renderSettings = {
    workspace,
    configFile,
    ...(values.repository !== undefined && { repository: values.repository }),
    ...(pkgver !== undefined && { version: pkgver }),
    ...(values.build !== undefined && { build: values.build }),
  }
  const report = (diagnostics: readonly Diagnostic[]) => {
    for (const d of diagnostics) err.write(`${formatDiagnostic(d)}\n`)
  }

  try {
    switch (command) {
      case 'schema':
        out.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`)
        return 0
      case 'check': {
        const checked = await pipeline.check(renderSettings, terminalReporter(err).option)
        report(checked.diagnostics)
        if (!checked.ok) return 1
        out.write(`${configFile}: ok\n`)
        return 0
      }
      case 'bootstrap': {
        const rendered = await pipeline.render(renderSettings, terminalReporter(err))
        out.write(`${rendered.recipeDir}\n`)
        return 0
      }
      case 'build': {
        const result = await pipeline.build(
          {
            ...renderSettings,
            ...(values.stack !== undefined && { stack: values.stack }),
            ...(values.arch !== undefined && { arch: values.arch }),
            ...(values.image !== undefined && { image: values.image }),
            ...(values['signing-key'] !== undefined && {
              signingKey: await readKeyFile(values['signing-key']),
            }),
            ...(values['signing-key-name'] !== undefined && {
              keyName: values['signing-key-name'],
            }),
            // A directory of PAKman's own in the workspace, never abuild's ~/packages.
            packagesDir: values['packages-dir'] ?? join(workspace, DEFAULT_OUTPUT),
            keyParent: tmpdir(),
            ...(!values['no-cache'] && { cache: new DirectoryCache() }),
            installTest: !values['no-install-test'],
          },
          terminalReporter(err),
        )
        for (const file of result.files) out.write(`${file.path}\n`)
        out.write(`${result.publicKeyFile}\n`)
        const times = result.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}s`).join(', ')
        err.write(`==> Done (environment: ${result.environment.source}): ${times}\n`)
        return 0
      }
      case 'verify': {
        if (!extra.length || !values.key?.length) {
          err.write(
            'pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n',
          )
          return 2
        }
        // Each --key must be a public key file; a private key or any other file is named.
        let keys
        try {
          keys = await loadTrustedKeys(values.key.map((file) => file))
        } catch (error) {
          err.write(`pakman: --key ${(error as Error).message}\n`)
          return 2
        }
        for (const path of extra) {
          if (!(await stat(path).catch(() => undefined))) {
            err.write(
              `pakman: verify: ${path} does not exist; give .apk files, indexes or directories\n`,
            )
            return 2
          }
        }
        const checks = await checkPaths(extra, keys)
        for (const check of checks)
          out.write(
            `${check.path}: ${check.verdict}${check.verdict === 'OK' ? '' : ` - ${check.reason}`}\n`,
          )
        if (!checks.length) {
          err.write(
            `pakman: verify: no .apk file or APKINDEX.tar.gz in ${extra.join(', ')}; nothing was checked\n`,
          )
          return 1
        }
        const failed = checks.filter((c) => c.verdict !== 'OK').length
        err.write(`${checks.length} checked, ${failed} failed\n`)
        return failed ? 1 : 0
      }
      case 'push':
        return await pushCommand(values, workspace, configFile, out, err)
      default:
        // every name in COMMANDS is handled above; help returned before parsing
        throw new Error(`no handler for ${command}`)
    }
  } catch (error) {
    // Environment problems (no repository, unreadable workspace): one line, no stack trace.
    err.write(`pakman: ${(error as Error).message}\n`)
    return 1
  }
}

/** The --signing-key file; a path that is no readable file is named with what was expected. */
async function readKeyFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile() || info.size > 64 * 1024) {
    throw new Error(
      `--signing-key ${path} is ${!info ? 'missing' : !info.isFile() ? 'not a file' : 'too large for a key'}: expected a PEM RSA private key file`,
    )
  }
  return readFile(path, 'utf8')
}

/** `pakman push`: the deploy stage, loaded only for this command. */
async function pushCommand(
  values: {
    'packages-dir'?: string
    repository?: string
    stack?: string
    sha?: string
    ref?: string
    endpoint?: string
    concurrency?: string
    'dry-run'?: boolean
  },
  workspace: string,
  configFile: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const env = runEnvironment()
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    err.write(`pakman: --concurrency must be a whole number above 0, not ${values.concurrency}\n`)
    return 2
  }
  const loaded = await loadConfigFile(configFile)
  for (const d of loaded.diagnostics) err.write(`${formatDiagnostic(d)}\n`)
  if (!loaded.ok) {
    err.write(`pakman: push: ${configFile} has errors; nothing was deployed\n`)
    return 1
  }
  const { runPush, Secrets } = await import('./deploy/index.js')
  const authToken = env.instellarAuthToken
  const packageToken = env.instellarPackageToken
  const secrets = new Secrets(() => {}, [authToken, packageToken])
  const dryRun = !!values['dry-run']
  try {
    const pushed = await runPush({
      packagesDir: values['packages-dir'] ?? join(workspace, DEFAULT_OUTPUT),
      config: loaded.config,
      repository: values.repository ?? env.repository ?? '',
      hash: values.sha ?? env.workflowSha ?? env.sha,
      ref: values.ref ?? env.workflowRef ?? env.ref,
      ...(values.stack !== undefined && { stack: values.stack }),
      ...((values.endpoint ?? env.instellarEndpoint) && {
        endpoint: values.endpoint ?? env.instellarEndpoint,
      }),
      ...(authToken && { authToken }),
      ...(packageToken && { packageToken }),
      dryRun,
      tempDir: tmpdir(),
      ...(concurrency && { concurrency }),
      secrets,
      // dry-run lines are the command's output; progress goes to stderr
      log: (line) =>
        (dryRun && line.startsWith('would ') ? out : err).write(`${dryRun ? '' : '    '}${line}\n`),
      notice: (message) => err.write(`pakman: notice: ${message}\n`),
    })
    if (!dryRun)
      out.write(
        `deployment ${pushed.deploymentId} (${pushed.created ? 'created' : 'already existed'}) ${pushed.ref} ${pushed.hash} ${pushed.archivePath}\n`,
      )
    return 0
  } catch (error) {
    err.write(`pakman: push: ${secrets.redact((error as Error).message)}\n`)
    return 1
  }
}

function commandList(): string {
  return Object.keys(COMMANDS).join(', ')
}

/** Paths under the current directory print relative, the way compilers print them. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

/** Pipeline output for a terminal: phases as headings, everything on stderr, settings as flags. */
function terminalReporter(err: NodeJS.WritableStream): Reporter {
  return {
    option: (name) => spell(CLI_FLAG[name]),
    group: async (name, fn) => {
      err.write(`==> ${name}\n`)
      return fn()
    },
    info: (line) => err.write(`    ${line}\n`),
    warning: (message) => err.write(`pakman: warning: ${message}\n`),
    diagnostics: (list) => {
      for (const d of list) err.write(`${formatDiagnostic(d)}\n`)
    },
  }
}

import { parseArgs } from 'node:util'
import {
  flagOf,
  fromEnvironment,
  SETTING_KEYS,
  settingOf,
  settingsOf,
  spellFlag,
  type CommandName,
  type SettingKey,
} from '../settings/index.js'

/*
 * What the pakman command accepts: the commands, the flags each takes (from the settings table),
 * and the parsing of one command's arguments against them. Help text and messages are built from
 * these tables.
 */

export type { CommandName }

export interface Command {
  /** What follows the command besides options. */
  operands?: string
  /** Settings the command cannot do without, their flags shown without brackets. */
  required?: SettingKey[]
  summary: string
}

export const COMMANDS = {
  check: {
    summary:
      'validate the config and everything bootstrap would refuse (nginx.conf for type: static, the package name from the repository), writing nothing; prints file:line:col: messages, exits 1 on errors',
  },
  bootstrap: {
    summary: 'render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory',
  },
  build: {
    summary:
      'render, run abuild in an Alpine container, verify the packages and install the main one in a clean container; prints each file written. The output replaces what --packages-dir held only after a build that succeeded',
  },
  verify: {
    operands: 'DIR-OR-FILE...',
    required: ['trusted-key'],
    summary:
      'check signatures, datahash, file checksums and each APKINDEX against its directory; trusts only the keys given (the file name is the key name, as in /etc/apk/keys)',
  },
  sbom: {
    operands: 'DIR-OR-FILE...',
    summary:
      'print the SPDX SBOM each package carries (/var/lib/db/sbom/), or with --components its dependencies one per line; reads the packages without judging their signatures (pakman verify does)',
  },
  push: {
    summary:
      "deploy to Instellar/OpsMaru as the original's push does: upload the packages, the indexes and a zip of them to the storage the platform names, create the deployment for the commit and send kits, sizes, plans and page; --dry-run prints each call instead. Tokens come from INSTELLAR_AUTH_TOKEN and INSTELLAR_PACKAGE_TOKEN only, never flags",
  },
  publish: {
    operands: 's3 DIR',
    required: ['s3-bucket'],
    summary:
      "upload a build's or a merge's output directory, a signed repository, to an S3-compatible bucket: packages, then each index, then the public key, then any front page; what the bucket holds with the same size and checksum is skipped, and a package there with other bytes is refused. Prints the repository URL and the lines for /etc/apk/repositories. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN only, never flags",
  },
  site: {
    operands: 'DIR',
    required: ['site-url'],
    summary:
      "write the front page of a signed repository into DIR (a merged <stack>/<repo>/<arch>/ tree, or a build's <repo>/<arch>/, with <key-name>.rsa.pub at the top): index.html and README.md listing every package with its version, size, build time and SHA-256, and the lines that trust the key and add the repository; prints the files written",
  },
  schema: { summary: 'print the JSON Schema of instellar.yml' },
  help: {
    operands: '[COMMAND]',
    summary: 'print this help, or the options of one command',
  },
} satisfies Record<CommandName, Command>

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

/** One command's option values by flag name; `version` is the deprecated spelling of pkgver. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined> & {
  version?: string
  help?: boolean
}

/** A setting's value on the command line, else from its environment variables. */
export function given(values: Values, key: SettingKey): string | undefined {
  const value = values[flagOf(key).name]
  return typeof value === 'string' ? value : fromEnvironment(key)
}

/** Every value of a setting whose flag may be repeated. */
export function givenAll(values: Values, key: SettingKey): string[] {
  const value = values[flagOf(key).name]
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []
}

/** An on/off setting as its flag leaves it: --no-cache turns cache off, --prune turns prune on. */
export function switched(values: Values, key: SettingKey): boolean {
  const flag = flagOf(key)
  return flag.negates ? values[flag.name] !== true : values[flag.name] === true
}

/** The streams a command writes to: its output, and everything else. */
export interface Io {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
}

interface ParseOption {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
}

/** `--version VALUE` after a command was pkgver before --pkgver; it is accepted, with a warning, until the next release. */
const DEPRECATED_VERSION: ParseOption = { type: 'string' }
const TAKES_DEPRECATED_VERSION = new Set(['bootstrap', 'build'])
const HELP_FLAG: ParseOption = { type: 'boolean', short: 'h' }

/** parseArgs' description of the flags of these settings. */
function parseOptions(keys: SettingKey[]): Record<string, ParseOption> {
  const options: Record<string, ParseOption> = {}
  for (const key of keys) {
    const flag = settingOf(key).flag
    if (!flag) continue
    options[flag.name] = {
      type: flag.value ? 'string' : 'boolean',
      ...(flag.multiple && { multiple: true }),
    }
  }
  return options
}

/** Every flag of every command: a loose parse knows them all, so their values are not operands. */
const ALL_FLAGS = parseOptions(SETTING_KEYS)

/** The flag alone, without its value: --signature. */
export function dashed(key: SettingKey): string {
  return `--${flagOf(key).name}`
}

/** How the CLI names a setting in messages: its flag, else the variable it is read from. */
export function spell(key: SettingKey): string {
  const setting = settingOf(key)
  return setting.flag ? spellFlag(key) : (setting.env?.[0] ?? key)
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
  const flags = settingsOf(name).map((key) => flagOf(key).name)
  const options = { ...parseOptions(settingsOf(name)), help: HELP_FLAG }
  if (TAKES_DEPRECATED_VERSION.has(name)) Object.assign(options, { version: DEPRECATED_VERSION })
  const takes = flags.length
    ? `it takes ${flags.map((f) => `--${f}`).join(', ')}`
    : 'it takes no options'

  // A loose pass first: an option this command does not take gets a message naming both, and
  // options of every command are known, so their values are not mistaken for operands.
  const loose = parseArgs({
    args,
    options: { ...ALL_FLAGS, version: DEPRECATED_VERSION, help: HELP_FLAG },
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
    const { version, help } = values as Values
    return {
      ok: true,
      values: {
        ...values,
        version: typeof version === 'string' ? version : undefined,
        help: help === true,
      },
      operands: positionals,
    }
  } catch (error) {
    return { ok: false, message: `${(error as Error).message} (see pakman help ${name})` }
  }
}

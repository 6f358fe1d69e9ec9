import { constants, type Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import { DEFAULT_CONFIG } from '../settings/index.js'
import { byPosition, hasErrors, type Diagnostic } from './diagnostics.js'
import { upgradeLegacyKeys } from './legacy.js'
import {
  CLOSED_MAPS,
  DEPLOYMENT_SECTIONS,
  INITD_FUNCTIONS,
  instellarSchema,
  type DeploymentSection,
  type InstellarConfig,
} from './schema.js'
import { formatKeyPath, YamlSource, type KeyPath } from './source.js'
import { closestKey } from './suggest.js'

/** A validated instellar.yml plus what was noticed on the way (warnings, notices). */
export interface LoadedConfig {
  config: InstellarConfig
  /** Where each key is, for problems found by later stages (recipe, build). */
  source: YamlSource
  diagnostics: Diagnostic[]
}

export type LoadResult =
  ({ ok: true } & LoadedConfig) | { ok: false; diagnostics: Diagnostic[]; source: YamlSource }

/** instellar.yml is a few KiB; anything near this is not one, and must not be read whole. */
export const MAX_CONFIG_BYTES = 1024 * 1024

export async function loadConfigFile(file: string): Promise<LoadResult> {
  const read = await readConfigText(file)
  return typeof read === 'string' ? parseConfig(read, file) : unreadable(file, read.reason)
}

/** A file that cannot be read has no text for positions: the problem stands at 1:1. */
function unreadable(file: string, reason: string): LoadResult {
  const source = new YamlSource(file, '')
  return {
    ok: false,
    source,
    diagnostics: [source.diagnostic('error', [], `cannot read config: ${reason}`)],
  }
}

/**
 * Reads at most MAX_CONFIG_BYTES (+1 to notice more), and only from a regular file: a FIFO would
 * block the open and a device such as /dev/zero never ends.
 */
async function readConfigText(file: string): Promise<string | { reason: string }> {
  try {
    const info = await stat(file)
    if (info.isDirectory())
      return {
        reason: `${file} is a directory; expected the YAML file itself, such as ${join(file, DEFAULT_CONFIG)}`,
      }
    if (!info.isFile()) return { reason: notRegular(file, info) }
    if (info.size > MAX_CONFIG_BYTES) return { reason: tooLarge(info.size) }
    // O_NONBLOCK: should the path have become a FIFO since stat, open must not wait for a writer.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const opened = await handle.stat()
      if (!opened.isFile()) return { reason: notRegular(file, opened) }
      const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1)
      let length = 0
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
        if (!bytesRead) break
        length += bytesRead
        if (length === buffer.length) return { reason: tooLarge(MAX_CONFIG_BYTES, true) }
      }
      return buffer.toString('utf8', 0, length)
    } finally {
      await handle.close()
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reasons: Record<string, string> = {
      ENOENT: 'file not found',
      EACCES: 'permission denied',
      ENOTDIR: `a part of ${file} is not a directory`,
    }
    return { reason: reasons[code ?? ''] ?? (error as Error).message }
  }
}

/** One message for whatever is not a regular file, checked before open and again after it. */
function notRegular(file: string, info: Stats): string {
  const kind = info.isFIFO()
    ? 'a FIFO'
    : info.isCharacterDevice()
      ? 'a character device'
      : info.isBlockDevice()
        ? 'a block device'
        : info.isSocket()
          ? 'a socket'
          : 'not a regular file'
  return `${file} is ${kind}, not a regular file`
}

function tooLarge(bytes: number, atLeast = false): string {
  return `the file has ${atLeast ? 'more than' : bytes} bytes, over the ${MAX_CONFIG_BYTES / 1024 / 1024} MiB (${MAX_CONFIG_BYTES} bytes) a config may have; instellar.yml is usually a few KiB`
}

/** Parses and validates, collecting every problem in one pass. Never throws on bad input. */
export function parseConfig(text: string, file: string): LoadResult {
  // Same limit as loadConfigFile, for text that did not come through it.
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_CONFIG_BYTES) return unreadable(file, tooLarge(bytes))
  const source = new YamlSource(file, text)
  const diagnostics = [...source.diagnostics]
  const fail = (): LoadResult => ({ ok: false, source, diagnostics: diagnostics.sort(byPosition) })

  if (hasErrors(diagnostics)) return fail()
  if (source.isEmpty) {
    diagnostics.push(source.diagnostic('error', [], EMPTY_FILE_MESSAGE))
    return fail()
  }
  if (!source.isMap) {
    diagnostics.push(
      source.diagnostic(
        'error',
        [],
        'the top level must be a map of keys (dependencies, build, run, …)',
      ),
    )
    return fail()
  }
  const value = source.toValue() as Record<string, unknown> | undefined
  if (value === undefined) return { ok: false, source, diagnostics: source.diagnostics }

  diagnostics.push(...upgradeLegacyKeys(value, source))
  // Copied before unknown keys are dropped below: the platform gets these sections as written.
  const deployment = deploymentSections(value)

  let parsed = instellarSchema.safeParse(value)
  if (!parsed.success) {
    const unknownKeys: KeyPath[] = []
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          unknownKeys.push([...issue.path, key] as KeyPath)
          diagnostics.push(unknownKeyDiagnostic(source, issue.path as KeyPath, key))
        }
      } else {
        diagnostics.push(issueDiagnostic(source, value, issue))
      }
    }
    if (hasErrors(diagnostics)) return fail()
    // Only unknown keys: they were warned about; drop them to check the rest.
    for (const path of unknownKeys) removeAt(value, path)
    parsed = instellarSchema.safeParse(value)
    if (!parsed.success) {
      diagnostics.push(...parsed.error.issues.map((issue) => issueDiagnostic(source, value, issue)))
      return fail()
    }
  }

  // The checked sections and the copies differ only in the unknown keys.
  const config: InstellarConfig = { ...parsed.data, ...deployment }
  diagnostics.push(...crossFieldDiagnostics(config, source))
  if (hasErrors(diagnostics)) return fail()
  return { ok: true, config, source, diagnostics: diagnostics.sort(byPosition) }
}

/** Names what is required (run is optional: a package may have no service, or be type: static). */
export const EMPTY_FILE_MESSAGE =
  'the file is empty; instellar.yml needs at least dependencies.build (build-time packages, may be []) and build.command, and build.destinations unless package: is set'

/** The deployment sections the file has, deep copies: `value` then loses its unknown keys. */
function deploymentSections(
  value: Record<string, unknown>,
): Pick<InstellarConfig, DeploymentSection> {
  const present = DEPLOYMENT_SECTIONS.filter((section) => Object.hasOwn(value, section))
  // Their shape is checked by the schema before the copies are used.
  return Object.fromEntries(
    present.map((section) => [section, structuredClone(value[section])]),
  ) as Pick<InstellarConfig, DeploymentSection>
}

function unknownKeyDiagnostic(source: YamlSource, parent: KeyPath, key: string): Diagnostic {
  const path = [...parent, key]
  const known = knownKeys(parent)
  const guess = closestKey(key, known)
  const where = parent.length ? `in ${formatKeyPath(parent)}` : 'at the top level'
  const closed = CLOSED_MAPS.has(formatKeyPath(parent))
  const fate = DEPLOYMENT_SECTIONS.some((section) => section === parent[0])
    ? 'is sent to the platform unchecked'
    : 'is ignored'
  const hint = guess
    ? `; did you mean ${guess}?`
    : closed
      ? `; expected one of ${known.join(', ')}`
      : ''
  return source.diagnostic(
    closed ? 'error' : 'warning',
    path,
    closed ? `unknown key ${key} ${where}${hint}` : `unknown key ${key} ${where} ${fate}${hint}`,
    source.locateKey(path),
  )
}

function issueDiagnostic(source: YamlSource, root: unknown, issue: z.core.$ZodIssue): Diagnostic {
  const path = issue.path as KeyPath
  const key = formatKeyPath(path)
  const actual = valueAt(root, path)
  let message: string
  if (issue.code === 'invalid_type' && actual === undefined) {
    const [parent, missing] = [path.slice(0, -1), path.at(-1)]
    message = parent.length
      ? `missing key ${String(missing)} in ${formatKeyPath(parent)}`
      : `missing key ${String(missing)} at the top level`
    const hint = MISSING_HINTS[key.replace(/\[\d+\]/g, '[]')] ?? ''
    return source.diagnostic('error', path, `${message}${hint}`, source.locateKey(parent))
  }
  if (issue.code === 'invalid_type') {
    message = `${key} must be ${article(issue.expected)}, found ${describe(actual)}`
  } else if (issue.code === 'invalid_value') {
    message = `${key} must be one of ${issue.values.map(String).join(', ')}, found ${describe(actual)}`
  } else if (issue.code === 'too_small' && Array.isArray(actual)) {
    message = `${key}: ${issue.message.startsWith('Too small') ? 'must not be empty' : issue.message}`
  } else if (issue.code === 'invalid_union') {
    message = `${key} must be a string, number or boolean, found ${describe(actual)}`
  } else {
    message = `${key}: ${issue.message}${typeof actual === 'string' ? ` (found ${JSON.stringify(actual)})` : ''}`
  }
  return source.diagnostic('error', path, message)
}

const MISSING_HINTS: Record<string, string> = {
  dependencies: ' (dependencies.build lists the packages the build needs)',
  build: ' (build.command builds the app, build.destinations lists what goes in the package)',
  'build.command': ' (the shell that builds the app)',
  'run.name': ' (the service name used by rc-service)',
  'run.services': ' (at least one long-running process: name, binary, start.call)',
  'run.commands[].name': ' (it becomes `rc-service <app> <name>`)',
}

function crossFieldDiagnostics(config: InstellarConfig, source: YamlSource): Diagnostic[] {
  const found: Diagnostic[] = []
  const error = (path: KeyPath, message: string, onKey = false) =>
    found.push(
      source.diagnostic(
        'error',
        path,
        message,
        onKey ? source.locateKey(path) : source.locate(path),
      ),
    )

  if (!config.build.destinations && config.package === undefined) {
    error(
      ['build'],
      'build.destinations is required (which built files go into the package), unless package: replaces the packaging step',
      true,
    )
  }
  if (config.type === 'custom' && config.package === undefined) {
    error(['type'], 'type: custom needs a package: block, since nothing is installed for you')
  }
  if (config.run) {
    for (const list of ['services', 'commands'] as const) {
      const firstIndex = new Map<string, number>()
      config.run[list]?.forEach(({ name }, i) => {
        const first = firstIndex.get(name)
        if (first === undefined) firstIndex.set(name, i)
        else
          error(
            ['run', list, i, 'name'],
            `${list.slice(0, -1)} name ${name} is already used by run.${list}[${first}]`,
          )
      })
    }
    config.run.commands?.forEach((command, i) => {
      const owner = INITD_FUNCTIONS.get(command.name)
      if (owner) {
        error(
          ['run', 'commands', i, 'name'],
          `command name ${command.name} would replace ${owner} own ${command.name}; choose another name`,
        )
      }
    })
    config.run.services.forEach((service, i) => {
      if (service.stop) {
        found.push(
          source.diagnostic(
            'notice',
            ['run', 'services', i, 'stop'],
            'stop has no effect: s6 stops the service with SIGTERM, as PAKman has done since 2023',
            source.locateKey(['run', 'services', i, 'stop']),
          ),
        )
      }
    })
  }
  if (config.type === 'static' && config.run) {
    found.push(
      source.diagnostic(
        'warning',
        ['run'],
        'run is ignored for type: static (nginx serves the files)',
        source.locateKey(['run']),
      ),
    )
  }
  return found
}

function knownKeys(path: KeyPath): string[] {
  let schema: unknown = instellarSchema
  for (const segment of path) {
    schema = unwrap(schema)
    const def = (
      schema as { def?: { type: string; element?: unknown; shape?: Record<string, unknown> } }
    ).def
    if (!def) return []
    if (def.type === 'array' && typeof segment === 'number') schema = def.element
    else if (def.type === 'object' && typeof segment === 'string') schema = def.shape?.[segment]
    else return []
  }
  const def = (unwrap(schema) as { def?: { type: string; shape?: Record<string, unknown> } }).def
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : []
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type: string; innerType?: unknown } }
  while (
    current?.def &&
    (current.def.type === 'optional' ||
      current.def.type === 'nullable' ||
      current.def.type === 'default')
  ) {
    current = current.def.innerType as typeof current
  }
  return current
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[segment]
  }
  return node
}

function removeAt(root: unknown, path: KeyPath): void {
  const parent = valueAt(root, path.slice(0, -1))
  if (parent && typeof parent === 'object')
    delete (parent as Record<string | number, unknown>)[path.at(-1)!]
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string')
    return value.includes('\n') ? 'a multi-line string' : `the string ${JSON.stringify(value)}`
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
  }
  return names[expected] ?? expected
}

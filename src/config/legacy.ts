import type { Diagnostic } from './diagnostics.js'
import type { YamlSource } from './source.js'

/*
 * The 2021–2023 schema (build.destination, run.process/start/stop/command/binary, variations).
 * PAKman 2023 dropped it and crashes on these files; we rewrite them to today's schema the way the
 * old templates behaved, and warn with the exact YAML to write instead, so old configs keep building.
 */

type Plain = Record<string, unknown>

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const yamlList = (items: readonly string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`

/** Rewrites legacy keys in place and returns one warning per legacy key found. */
export function upgradeLegacyKeys(config: Plain, source: YamlSource): Diagnostic[] {
  const warnings: Diagnostic[] = []
  const warn = (path: (string | number)[], message: string) =>
    warnings.push(source.diagnostic('warning', path, message, source.locateKey(path)))

  const build = config.build
  if (isPlain(build) && 'destination' in build && !('destinations' in build)) {
    const old = build.destination
    // The old template moved the *contents* of the directory into /var/lib/<name>.
    const destinations =
      typeof old === 'string'
        ? [`${old.replace(/\/+$/, '')}/*`]
        : Array.isArray(old)
          ? old
          : undefined
    if (destinations) {
      delete build.destination
      build.destinations = destinations
      warn(
        ['build', 'destination'],
        `build.destination is the 2021 schema; write "destinations: ${yamlList(destinations.map(String))}" instead (built that way for now)`,
      )
    }
  }

  const run = config.run
  if (!isPlain(run) || 'services' in run) return warnings
  const appName = typeof run.name === 'string' ? run.name : 'app'
  const binary = typeof run.binary === 'string' ? run.binary : appName
  const startCall = callOf(run.process) ?? callOf(run.start)
  if (startCall === undefined && !isPlain(run.command)) return warnings

  // stop is left out: s6 stops services with SIGTERM and today's PAKman ignores stop.
  const services: Plain[] = [{ name: 'web', binary, start: { call: startCall ?? 'start' } }]
  const commands: Plain[] = []
  if (isPlain(run.command)) {
    const prefix = callOf(run.command)
    const variations = isPlain(run.command.variations) ? run.command.variations : {}
    for (const [name, argument] of Object.entries(variations)) {
      const words = [prefix, argument].filter((w) => typeof w === 'string' && w !== '')
      commands.push({ name, binary, call: words.join(' ') })
    }
  }

  const legacy = LEGACY_RUN_KEYS.filter((key) => key in run)
  for (const key of legacy) delete run[key]
  run.services = services
  if (commands.length) run.commands = commands
  warn(
    ['run'],
    `run uses the 2021 schema (${legacy.join(', ')}); built as if it said:\n${renderRun(appName, services, commands)}`,
  )
  return warnings
}

const LEGACY_RUN_KEYS = ['process', 'start', 'stop', 'command', 'binary'] as const

function callOf(value: unknown): string | undefined {
  return isPlain(value) && typeof value.call === 'string' ? value.call : undefined
}

function renderRun(appName: string, services: Plain[], commands: Plain[]): string {
  const lines = ['run:', `  name: ${appName}`, '  services:']
  for (const s of services) {
    lines.push(`    - name: ${s.name}`, `      binary: ${s.binary}`, '      start:')
    lines.push(`        call: ${JSON.stringify((s.start as Plain).call)}`)
  }
  if (commands.length) lines.push('  commands:')
  for (const c of commands) {
    lines.push(
      `    - name: ${c.name}`,
      `      binary: ${c.binary}`,
      `      call: ${JSON.stringify(c.call)}`,
    )
  }
  return lines.join('\n')
}

import { COMMANDS, isCommand, type Command, type CommandName, type Io } from './commands.js'
import { VERSION } from '../report/index.js'
import { flagOf, settingsOf, spellFlag, type SettingKey } from '../settings/index.js'

/** `pakman build [--config FILE] …`, wrapped under the command as usage lines are. */
function synopsis(name: CommandName, indent: string): string {
  const command: Command = COMMANDS[name]
  const required = (key: SettingKey) => command.required?.includes(key) ?? false
  // what the command cannot do without first, then the rest in the table's order
  const keys = settingsOf(name)
  const parts = [
    ...(command.operands ? [command.operands] : []),
    ...keys.filter(required).map((key) => {
      const flag = flagOf(key)
      return `${spellFlag(key)}${flag.multiple ? ` [--${flag.name} …]` : ''}`
    }),
    ...keys.filter((key) => !required(key)).map((key) => `[${spellFlag(key)}]`),
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

export function usage(): string {
  const names = Object.keys(COMMANDS) as CommandName[]
  return [
    `pakman ${VERSION}: build signed Alpine packages from instellar.yml`,
    '',
    'Usage:',
    ...names.map((n) => synopsis(n, '  ')),
    '  pakman --version',
    '',
    ...names.map((n) => `${n.padEnd(10)} ${wrap(COMMANDS[n].summary, ' '.repeat(11))}`),
    '',
    'Options go after the command; `pakman help COMMAND` explains them.',
    'Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else',
    'from the current directory and git.',
  ].join('\n')
}

export function commandUsage(name: CommandName): string {
  const command: Command = COMMANDS[name]
  const rows: [string, string][] = [
    ...settingsOf(name).map((key): [string, string] => [spellFlag(key), flagOf(key).help]),
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

/** What pakman says, usage included, when the first argument names no command. */
export function unknownCommand(first: string): string {
  const why = first.startsWith('-')
    ? `the command comes first: pakman COMMAND [options], and ${first} is not one of pakman's own options (--help, --version)`
    : `unknown command ${first}`
  return `pakman: ${why}\n\n${usage()}`
}

/** `pakman help [COMMAND]`: handled before parsing, as its operand is a command, not an option. */
export function helpCommand(args: string[], { out, err }: Io): number {
  const [topic, ...more] = args
  if (more.length) {
    err.write(`pakman: help takes one command, got ${args.join(' ')}\n`)
    return 2
  }
  if (topic !== undefined && !isCommand(topic)) {
    err.write(`pakman: unknown command ${topic}; the commands are ${commandList()}\n`)
    return 2
  }
  out.write(`${topic === undefined ? usage() : commandUsage(topic)}\n`)
  return 0
}

function commandList(): string {
  return Object.keys(COMMANDS).join(', ')
}

/*
 * The pakman command: the same pipeline as the action, its options spelled as flags, its output
 * on stdout and its progress and messages on stderr.
 */

import { acceptDeprecatedVersion, isCommand, parseCommand, type Io } from './commands.js'
import { HANDLERS } from './handlers.js'
import { commandUsage, helpCommand, unknownCommand, usage } from './help.js'
import { VERSION } from '../report/index.js'

export { VERSION }

/** Runs one CLI invocation and returns the exit status; never throws for bad input. */
export async function main(
  argv: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const io = { out, err }
  const [first, ...rest] = argv
  if (first === undefined) {
    err.write(`${usage()}\n`)
    return 2
  }
  if (first === '--version' || first === '-V') return versionCommand(first, rest, io)
  if (first === 'help' || first === '--help' || first === '-h') return helpCommand(rest, io)
  // help was answered above; the check only tells the compiler so
  if (!isCommand(first) || first === 'help') {
    err.write(`${unknownCommand(first)}\n`)
    return 2
  }
  const parsed = parseCommand(first, rest)
  if (!parsed.ok) {
    err.write(`pakman: ${parsed.message}\n`)
    return 2
  }
  if (parsed.values.help) {
    out.write(`${commandUsage(first)}\n`)
    return 0
  }
  if (!acceptDeprecatedVersion(parsed.values, err)) return 2
  try {
    return await HANDLERS[first](parsed.values, parsed.operands, io)
  } catch (error) {
    // Environment problems (no repository, unreadable workspace): one line, no stack trace.
    err.write(`pakman: ${(error as Error).message}\n`)
    return 1
  }
}

/** `pakman --version` (or -V), PAKman's own version; not the deprecated option after a command. */
function versionCommand(flag: string, args: string[], { out, err }: Io): number {
  if (args.length) {
    err.write(`pakman: ${flag} takes nothing after it, got ${args[0]}\n`)
    return 2
  }
  out.write(`${VERSION}\n`)
  return 0
}

import { formatDiagnostic } from '../config/index.js'
import type { Reporter } from '../report/index.js'
import { spell } from './commands.js'

/** Pipeline output for a terminal: phases as headings, everything on stderr, settings as flags. */
export function terminalReporter(err: NodeJS.WritableStream): Reporter {
  return {
    option: spell,
    group: async (name, fn) => {
      err.write(`==> ${name}\n`)
      return fn()
    },
    info: (line) => err.write(`    ${line}\n`),
    notice: (message) => err.write(`pakman: notice: ${message}\n`),
    warning: (message) => err.write(`pakman: warning: ${message}\n`),
    diagnostics: (list) => {
      for (const d of list) err.write(`${formatDiagnostic(d)}\n`)
    },
  }
}

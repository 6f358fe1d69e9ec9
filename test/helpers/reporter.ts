import type { Diagnostic } from '../../src/config/index.js'
import type { Reporter } from '../../src/report/index.js'
import type { SettingKey } from '../../src/settings/index.js'

/** A Reporter that keeps what it is told, for tests to read back. */
export interface RecordingReporter extends Reporter {
  /** Info lines. */
  lines: string[]
  notices: string[]
  warnings: string[]
  diagnosed: Diagnostic[]
  /** Everything in order, marked by kind: `## <group>`, info as is, `notice: …`, `warning: …`. */
  said: string[]
}

/** Settings are named as the action names them ("the s3-bucket input"); groups just run. */
export function recordingReporter(): RecordingReporter {
  const reporter: RecordingReporter = {
    lines: [],
    notices: [],
    warnings: [],
    diagnosed: [],
    said: [],
    option: (name: SettingKey) => `the ${name} input`,
    group: async (name, fn) => {
      reporter.said.push(`## ${name}`)
      return fn()
    },
    info: (line) => {
      reporter.lines.push(line)
      reporter.said.push(line)
    },
    notice: (message) => {
      reporter.notices.push(message)
      reporter.said.push(`notice: ${message}`)
    },
    warning: (message) => {
      reporter.warnings.push(message)
      reporter.said.push(`warning: ${message}`)
    },
    diagnostics: (list) => {
      reporter.diagnosed.push(...list)
    },
  }
  return reporter
}

import * as core from '@actions/core'
import { relative } from 'node:path'
import type { Diagnostic } from './config/index.js'
import type { Reporter } from './pipeline.js'

/** Pipeline output for the Actions log: groups, and annotations on instellar.yml. */
export function actionReporter(workspace: string): Reporter {
  return {
    option: (name) => `the ${name} input`,
    group: (name, fn) => core.group(name, fn),
    info: (line) => core.info(line),
    warning: (message) => core.warning(message),
    diagnostics: (list) => annotate(list, workspace),
  }
}

function annotate(diagnostics: readonly Diagnostic[], workspace: string): void {
  for (const d of diagnostics) {
    const file = relative(workspace, d.file) || d.file
    const properties: core.AnnotationProperties = {
      title: d.key ? `instellar.yml: ${d.key}` : 'instellar.yml',
      file,
      startLine: d.line,
      endLine: d.endLine,
      // GitHub accepts columns only on single-line annotations.
      ...(d.line === d.endLine && {
        startColumn: d.column,
        endColumn: Math.max(d.column, d.endColumn),
      }),
    }
    const log =
      d.severity === 'error' ? core.error : d.severity === 'warning' ? core.warning : core.notice
    log(d.message, properties)
  }
}

import * as core from '@actions/core'
import { relative } from 'node:path'
import type { Diagnostic } from './config/index.js'

/** Sends config diagnostics to the log as annotations on the file and line they are about. */
export function annotate(diagnostics: readonly Diagnostic[], workspace: string): void {
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

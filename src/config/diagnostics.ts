/** A problem found in instellar.yml, pinned to where it is in the file (1-based line and column). */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'notice'
  /** Dotted key path such as `run.services[0].binary`; empty for the document itself. */
  key: string
  message: string
  file: string
  line: number
  column: number
  endLine: number
  endColumn: number
}

/** Renders `file:line:col: severity: message`, the form editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

/** Orders diagnostics as they appear in the file, so a reader can walk it top to bottom. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message)
}

import * as core from '@actions/core'
import { relative } from 'node:path'
import type { Diagnostic } from '../config/index.js'
import type { Reporter } from '../report/index.js'
import { spellInput } from '../settings/index.js'
import { newProgress, type Progress } from '../pipeline/index.js'

/** What the action did so far: the job summary of a failed run is written from it. */
export interface RunRecord {
  /** Phases started, in order. */
  phases: string[]
  /** The innermost phase an error left. */
  failedPhase?: string
  diagnostics: Diagnostic[]
  /** Filled by the pipeline as it goes, so a failure part-way still shows what was done. */
  progress: Progress
}

export function newRunRecord(): RunRecord {
  return { phases: [], diagnostics: [], progress: newProgress() }
}

/** Pipeline output for the Actions log: groups, and annotations on instellar.yml. */
export function actionReporter(workspace: string, record: RunRecord): Reporter {
  return {
    option: spellInput,
    group: async (name, fn) => {
      record.phases.push(name)
      try {
        return await core.group(name, fn)
      } catch (error) {
        record.failedPhase ??= name
        throw error
      }
    },
    info: (line) => core.info(line),
    notice: (message) => core.notice(message),
    warning: (message) => core.warning(message),
    diagnostics: (list) => {
      record.diagnostics.push(...list)
      annotate(list, workspace)
    },
  }
}

function annotate(diagnostics: readonly Diagnostic[], workspace: string): void {
  for (const d of diagnostics) {
    const file = relative(workspace, d.file) || d.file
    const properties: core.AnnotationProperties = {
      // the config file actually read, which the config input may name otherwise
      title: d.key ? `${file}: ${d.key}` : file,
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

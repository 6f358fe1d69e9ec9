/*
 * How a stage talks to the person running it. The action and the CLI each supply a Reporter; the
 * stages only know this interface, so one message reads right in an Actions log and a terminal.
 */

import type { Diagnostic } from '../config/index.js'
import type { SettingKey } from '../settings/index.js'

/**
 * How a front end names a setting in messages ("the signing-key input", "--signing-key FILE"), so
 * shared messages tell the user what to change in the language they gave it in.
 */
export type OptionName = (name: SettingKey) => string

export interface Reporter {
  option: OptionName
  /** Runs one phase, shown as a collapsible group in the Actions log. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(line: string): void
  /** Worth seeing, not a problem: an annotation in the action. */
  notice(message: string): void
  warning(message: string): void
  /** Config problems, each pinned to its file and line. */
  diagnostics(list: readonly Diagnostic[]): void
}

/**
 * What a stage needs of a Reporter inside a phase: its lines and the names of settings. The
 * pipeline opens the groups and reports the config, so publishing, deploying and the other low
 * steps are handed only this, and a test can record it with a plain object.
 */
export type PhaseReporter = Pick<Reporter, 'option' | 'info' | 'notice' | 'warning'>

/** A size as people read it: 512 B, 3.4 KiB, 1.2 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  if (bytes < 1024) return `${bytes} B`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** A phase or step and how long it took, as the summary and the CLI's last line show it. */
export interface Timed {
  name: string
  seconds: number
}

/** Seconds since `started` (a performance.now() reading), to the hundredth. */
export function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 10) / 100
}
export { VERSION } from './version.js'

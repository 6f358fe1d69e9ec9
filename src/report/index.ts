/*
 * How a stage talks to the person running it. The action and the CLI each supply a Reporter; the
 * stages only know this interface, so one message reads right in an Actions log and a terminal.
 */

import type { Diagnostic } from '../config/index.js'

/** Settings a user gives, by their action input names; each front end spells them its own way. */
export type OptionKey =
  | 'config'
  | 'workspace'
  | 'repository'
  | 'version'
  | 'build-number'
  | 'stack'
  | 'image'
  | 'arch'
  | 'packages-dir'
  | 'signing-key'
  | 'signing-key-name'
  | 'cache'
  | 'verify'

/**
 * How a front end names a setting in messages ("the signing-key input", "--signing-key FILE"), so
 * shared messages tell the user what to change in the language they gave it in.
 */
export type OptionName = (name: OptionKey) => string

export interface Reporter {
  option: OptionName
  /** Runs one phase, shown as a collapsible group in the Actions log. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(line: string): void
  warning(message: string): void
  /** Config problems, each pinned to its file and line. */
  diagnostics(list: readonly Diagnostic[]): void
}

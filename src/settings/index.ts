/*
 * The settings a user gives, named once (table.ts), and the few ways the front ends read them: the
 * action by input name, the CLI by flag, both falling back to the same environment variables.
 */

import { SETTINGS, type CommandName, type Flag, type Setting, type SettingKey } from './table.js'

export { SETTINGS, type CommandName, type Flag, type Setting, type SettingKey }

/** The config file read when none is named. */
export const DEFAULT_CONFIG = SETTINGS.config.default

export function settingOf(key: SettingKey): Setting {
  return SETTINGS[key]
}

/** Every setting, in the table's order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[]

/**
 * The setting's environment fallback: the first of its variables that is set and not empty (or,
 * for those the original PAKman read so, the first that is set at all).
 */
export function fromEnvironment(
  key: SettingKey,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const setting = settingOf(key)
  for (const name of setting.env ?? []) {
    const value = env[name]
    if (value === undefined) continue
    if (value !== '' || setting.emptyEnvIsValue) return value
  }
  return undefined
}

/** The settings a command takes, in the table's order. */
export function settingsOf(command: CommandName): SettingKey[] {
  return SETTING_KEYS.filter((key) => settingOf(key).flag?.commands.includes(command))
}

/** The CLI flag of a setting the command line can give. */
export function flagOf(key: SettingKey): Flag {
  const flag = settingOf(key).flag
  if (!flag) throw new Error(`${key} has no command-line flag`)
  return flag
}

/** `--flag VALUE` as usage lines and messages show it. */
export function spellFlag(key: SettingKey): string {
  const flag = flagOf(key)
  return flag.value ? `--${flag.name} ${flag.value}` : `--${flag.name}`
}

/** How the action names a setting in messages: its input, and the variable that stands in for it. */
export function spellInput(key: SettingKey): string {
  const variable = settingOf(key).env?.[0]
  return `the ${key} input${variable ? ` (or ${variable})` : ''}`
}

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { COMMANDS, type CommandName } from '../src/cli/commands.js'
import { commandUsage } from '../src/cli/help.js'
import {
  fromEnvironment,
  SETTING_KEYS,
  settingOf,
  settingsOf,
  spellInput,
  type SettingKey,
} from '../src/settings/index.js'
import { ROOT } from './helpers/run.js'

/*
 * The settings table is the one place a setting is named: action.yml and the README's CLI lines
 * are checked against it here (the README's inputs table against action.yml in readme.test.ts).
 */

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>
}
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const inputKeys = SETTING_KEYS.filter((key) => settingOf(key).input)

describe('the settings table', () => {
  it('declares the inputs of action.yml, in its order, with their descriptions and defaults', () => {
    expect(Object.keys(action.inputs)).toEqual(inputKeys)
    for (const key of inputKeys) {
      const setting = settingOf(key)
      const declared = action.inputs[key]!
      expect(declared.description, key).toBe(setting.input)
      expect(declared.default, key).toBe(setting.default)
    }
  })

  it('gives each command a flag only once, and a secret no flag but one naming a file', () => {
    for (const command of Object.keys(COMMANDS) as CommandName[]) {
      const flags = settingsOf(command).map((key) => settingOf(key).flag!.name)
      expect(new Set(flags).size, command).toBe(flags.length)
    }
    // other users can read a command line: a secret comes from the environment, or from a file
    for (const key of SETTING_KEYS) {
      const { secret, flag } = settingOf(key)
      if (secret && flag) expect(flag.value, key).toBe('FILE')
    }
  })

  it('lists in help every flag a command takes, with its text', () => {
    // help wraps its lines; the texts are compared with the wrapping undone
    const help = commandUsage('push').replace(/\s+/g, ' ')
    for (const key of settingsOf('push')) expect(help).toContain(settingOf(key).flag!.help)
    // push and publish share --endpoint, each with its own meaning
    expect(help).toContain('the platform (default: INSTELLAR_ENDPOINT')
    expect(commandUsage('publish')).toContain('the S3 API of a store other than AWS')
    expect(commandUsage('publish')).not.toContain('INSTELLAR_ENDPOINT')
  })

  it("matches the README's CLI lines, command by command", () => {
    const block = readme.slice(readme.indexOf('pakman check     ['))
    const lines = block.slice(0, block.indexOf('```')).split('\n')
    const flagsIn = new Map<string, Set<string>>()
    let current = ''
    for (const line of lines) {
      const head = /^pakman (\w+)/.exec(line)
      if (head) current = head[1]!
      const set = flagsIn.get(current) ?? new Set<string>()
      for (const match of line.matchAll(/--([a-z0-9-]+)/g)) set.add(match[1]!)
      if (line.includes("[bootstrap's options]")) set.add('<bootstrap>')
      flagsIn.set(current, set)
    }
    const expand = (command: string): string[] =>
      [...(flagsIn.get(command) ?? [])].flatMap((f) =>
        f === '<bootstrap>' ? expand('bootstrap') : [f],
      )
    for (const command of Object.keys(COMMANDS) as CommandName[]) {
      if (command === 'help' || command === 'schema') continue
      const wanted = settingsOf(command).map((key: SettingKey) => settingOf(key).flag!.name)
      expect(expand(command).sort(), command).toEqual([...wanted].sort())
    }
  })

  it('falls back to the first environment variable set, an empty one only where the original kept it', () => {
    expect(fromEnvironment('s3-region', { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' })).toBe(
      'eu-west-1',
    )
    expect(fromEnvironment('s3-region', { AWS_REGION: 'auto', AWS_DEFAULT_REGION: 'x' })).toBe(
      'auto',
    )
    expect(fromEnvironment('workflow-sha', { WORKFLOW_SHA: '', GITHUB_SHA: 'abc' })).toBe('')
    expect(fromEnvironment('workflow-sha', { GITHUB_SHA: 'abc' })).toBe('abc')
    expect(fromEnvironment('config', { INSTELLAR_CONFIG: 'x.yml' })).toBe(undefined)
  })

  it('names a setting in the action as its input, with the variable that stands in for it', () => {
    expect(spellInput('signature')).toBe('the signature input')
    expect(spellInput('instellar-endpoint')).toBe(
      'the instellar-endpoint input (or INSTELLAR_ENDPOINT)',
    )
  })
})

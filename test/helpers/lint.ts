import { spawnSync } from 'node:child_process'
import type { RecipeFile } from '../../src/recipe/index.js'
import { shellcheckExclusions } from '../../src/recipe/shellcheck.js'

/** Problems shellcheck and the shell's own parser find in one generated file; empty when clean. */
export function lintRecipeFile(file: RecipeFile): string[] {
  const problems: string[] = []
  const run = (command: string, args: string[], input = file.content) => {
    const result = spawnSync(command, args, { input, encoding: 'utf8' })
    if (result.error) throw result.error
    if (result.status !== 0)
      problems.push(`${command} ${args.join(' ')}:\n${result.stdout}${result.stderr}`)
  }
  switch (file.shell) {
    case 'apkbuild':
      run('shellcheck', ['-s', 'sh', '-e', shellcheckExclusions('apkbuild').join(','), '-'])
      run('sh', ['-n'])
      break
    case 'sh':
      run('shellcheck', ['-'])
      run('sh', ['-n'])
      break
    case 'bash':
      run('shellcheck', ['-'])
      run('bash', ['-n'])
      break
    case 'awk':
      // The program parses (run on no input: only its syntax is exercised here). awk does not
      // read stdin then, so it is given none.
      run('awk', [file.content, '/dev/null'], '')
      break
    case 'execline':
      // execline is not shell; the s6 scripts are fixed text apart from the app name.
      if (!file.content.startsWith('#!/bin/execlineb -P\n'))
        problems.push('execline script without its shebang')
      break
  }
  return problems
}

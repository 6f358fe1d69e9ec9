import { isAbsolute, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  formatDiagnostic,
  hasErrors,
  jsonSchema,
  loadConfigFile,
  type Diagnostic,
} from './config/index.js'
import { bootstrap, resolveContext } from './recipe/index.js'

const USAGE = `pakman: build Alpine packages from instellar.yml

Usage:
  pakman check     [--config instellar.yml]
  pakman bootstrap [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman schema

check      validate the config; prints file:line:col: messages, exits 1 on errors
bootstrap  render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory
schema     print the JSON Schema of instellar.yml

Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else from
the current directory and git.`

const OPTIONS = {
  config: { type: 'string' },
  workspace: { type: 'string' },
  repository: { type: 'string' },
  version: { type: 'string' },
  build: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Runs one CLI invocation and returns the exit status; never throws for bad input. */
export async function main(
  argv: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    err.write(`pakman: ${(error as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  const [command, ...extra] = positionals
  if (values.help || !command) {
    ;(values.help ? out : err).write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  if (extra.length) {
    err.write(`pakman: unexpected argument ${extra[0]}\n`)
    return 2
  }
  const workspace = resolve(values.workspace ?? process.env.GITHUB_WORKSPACE ?? '.')
  const configFile = values.config ?? displayPath(resolve(workspace, 'instellar.yml'))
  const report = (diagnostics: readonly Diagnostic[]) => {
    for (const d of diagnostics) err.write(`${formatDiagnostic(d)}\n`)
  }

  try {
    switch (command) {
      case 'schema':
        out.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`)
        return 0
      case 'check': {
        const loaded = await loadConfigFile(configFile)
        report(loaded.diagnostics)
        if (!loaded.ok) return 1
        out.write(`${configFile}: ok\n`)
        return 0
      }
      case 'bootstrap': {
        const loaded = await loadConfigFile(configFile)
        report(loaded.diagnostics)
        if (!loaded.ok) return 1
        const context = await resolveContext({
          workspace,
          ...(values.repository !== undefined && { repository: values.repository }),
          ...(values.version !== undefined && { version: values.version }),
          ...(values.build !== undefined && { build: values.build }),
        })
        for (const note of context.notes) err.write(`pakman: note: ${note}\n`)
        const result = await bootstrap(workspace, loaded, context)
        report(result.diagnostics)
        if (!result.dir || hasErrors(result.diagnostics)) return 1
        out.write(`${result.dir}\n`)
        return 0
      }
      default:
        err.write(`pakman: unknown command ${command}\n\n${USAGE}\n`)
        return 2
    }
  } catch (error) {
    // Environment problems (no repository, unreadable workspace): one line, no stack trace.
    err.write(`pakman: ${(error as Error).message}\n`)
    return 1
  }
}

/** Paths under the current directory print relative, the way compilers print them. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

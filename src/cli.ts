import { readFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { checkPaths, trustedKeys } from './apk/index.js'
import { parseArgs } from 'node:util'
import { formatDiagnostic, jsonSchema, type Diagnostic } from './config/index.js'
import { DirectoryCache } from './environment/index.js'
import { buildStage, checkStage, renderStage, type Reporter } from './pipeline.js'

const USAGE = `pakman: build Alpine packages from instellar.yml

Usage:
  pakman check     [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman bootstrap [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman build     [bootstrap's flags] [--stack alpine/3.N] [--arch ARCH] [--image REF]
                   [--signing-key FILE] [--signing-key-name NAME] [--packages-dir DIR] [--no-cache]
                   [--no-install-test]
  pakman verify     DIR-OR-FILE... --key NAME.rsa.pub [--key …]
  pakman schema

check      validate the config and everything bootstrap would refuse (nginx.conf for type: static,
           the package name from the repository), writing nothing; prints file:line:col:
           messages, exits 1 on errors
bootstrap  render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory
build      render, run abuild in an Alpine container, verify the packages and install the main one
           in a clean container; prints each file written
verify     check signatures, datahash, file checksums and each APKINDEX against its directory;
           trusts only the keys given (the file name is the key's name, as in /etc/apk/keys)
schema     print the JSON Schema of instellar.yml

Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else from
the current directory and git.`

const OPTIONS = {
  config: { type: 'string' },
  workspace: { type: 'string' },
  repository: { type: 'string' },
  version: { type: 'string' },
  build: { type: 'string' },
  stack: { type: 'string' },
  arch: { type: 'string' },
  image: { type: 'string' },
  'signing-key': { type: 'string' },
  'signing-key-name': { type: 'string' },
  'packages-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'no-install-test': { type: 'boolean' },
  key: { type: 'string', multiple: true },
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
  if (extra.length && command !== 'verify') {
    err.write(`pakman: unexpected argument ${extra[0]}\n`)
    return 2
  }
  const workspace = resolve(values.workspace ?? process.env.GITHUB_WORKSPACE ?? '.')
  const configFile = values.config ?? displayPath(resolve(workspace, 'instellar.yml'))
  const renderSettings = {
    workspace,
    configFile,
    ...(values.repository !== undefined && { repository: values.repository }),
    ...(values.version !== undefined && { version: values.version }),
    ...(values.build !== undefined && { build: values.build }),
  }
  const report = (diagnostics: readonly Diagnostic[]) => {
    for (const d of diagnostics) err.write(`${formatDiagnostic(d)}\n`)
  }

  try {
    switch (command) {
      case 'schema':
        out.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`)
        return 0
      case 'check': {
        const checked = await checkStage(renderSettings)
        report(checked.diagnostics)
        if (!checked.ok) return 1
        out.write(`${configFile}: ok\n`)
        return 0
      }
      case 'bootstrap': {
        const rendered = await renderStage(renderSettings, terminalReporter(err))
        out.write(`${rendered.recipeDir}\n`)
        return 0
      }
      case 'build': {
        const result = await buildStage(
          {
            ...renderSettings,
            ...(values.stack !== undefined && { stack: values.stack }),
            ...(values.arch !== undefined && { arch: values.arch }),
            ...(values.image !== undefined && { image: values.image }),
            ...(values['signing-key'] !== undefined && {
              signingKey: await readFile(values['signing-key'], 'utf8'),
            }),
            ...(values['signing-key-name'] !== undefined && {
              keyName: values['signing-key-name'],
            }),
            packagesDir: values['packages-dir'] ?? join(homedir(), 'packages'),
            keyParent: tmpdir(),
            ...(!values['no-cache'] && { cache: new DirectoryCache() }),
            installTest: !values['no-install-test'],
          },
          terminalReporter(err),
        )
        for (const file of result.files) out.write(`${file.path}\n`)
        out.write(`${result.publicKeyFile}\n`)
        const times = result.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}s`).join(', ')
        err.write(`==> Done (environment: ${result.environment.source}): ${times}\n`)
        return 0
      }
      case 'verify': {
        if (!extra.length || !values.key?.length) {
          err.write(
            'pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n',
          )
          return 2
        }
        const keys = trustedKeys(
          await Promise.all(
            values.key.map(async (file): Promise<[string, string]> => [
              basename(file),
              await readFile(file, 'utf8'),
            ]),
          ),
        )
        const checks = await checkPaths(extra, keys)
        for (const check of checks)
          out.write(
            `${check.path}: ${check.verdict}${check.verdict === 'OK' ? '' : ` - ${check.reason}`}\n`,
          )
        const failed = checks.filter((c) => c.verdict !== 'OK').length
        err.write(`${checks.length} checked, ${failed} failed\n`)
        return failed || !checks.length ? 1 : 0
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

/** Pipeline output for a terminal: phases as headings, everything on stderr. */
function terminalReporter(err: NodeJS.WritableStream): Reporter {
  return {
    group: async (name, fn) => {
      err.write(`==> ${name}\n`)
      return fn()
    },
    info: (line) => err.write(`    ${line}\n`),
    warning: (message) => err.write(`pakman: warning: ${message}\n`),
    diagnostics: (list) => {
      for (const d of list) err.write(`${formatDiagnostic(d)}\n`)
    },
  }
}

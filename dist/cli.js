#!/usr/bin/env node
import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  bootstrap,
  formatDiagnostic,
  hasErrors,
  jsonSchema,
  loadConfigFile,
  resolveContext
} from "./chunks/chunk-V7WK2XMA.js";

// src/cli.ts
import { isAbsolute, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
var USAGE = `pakman: build Alpine packages from instellar.yml

Usage:
  pakman check     [--config instellar.yml]
  pakman bootstrap [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman schema

check      validate the config; prints file:line:col: messages, exits 1 on errors
bootstrap  render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory
schema     print the JSON Schema of instellar.yml

Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else from
the current directory and git.`;
var OPTIONS = {
  config: { type: "string" },
  workspace: { type: "string" },
  repository: { type: "string" },
  version: { type: "string" },
  build: { type: "string" },
  help: { type: "boolean", short: "h" }
};
async function main(argv, out = process.stdout, err = process.stderr) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    err.write(`pakman: ${error.message}

${USAGE}
`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    ;
    (values.help ? out : err).write(`${USAGE}
`);
    return values.help ? 0 : 2;
  }
  if (extra.length) {
    err.write(`pakman: unexpected argument ${extra[0]}
`);
    return 2;
  }
  const workspace = resolve(values.workspace ?? process.env.GITHUB_WORKSPACE ?? ".");
  const configFile = values.config ?? displayPath(resolve(workspace, "instellar.yml"));
  const report = (diagnostics) => {
    for (const d of diagnostics) err.write(`${formatDiagnostic(d)}
`);
  };
  try {
    switch (command) {
      case "schema":
        out.write(`${JSON.stringify(jsonSchema(), null, 2)}
`);
        return 0;
      case "check": {
        const loaded = await loadConfigFile(configFile);
        report(loaded.diagnostics);
        if (!loaded.ok) return 1;
        out.write(`${configFile}: ok
`);
        return 0;
      }
      case "bootstrap": {
        const loaded = await loadConfigFile(configFile);
        report(loaded.diagnostics);
        if (!loaded.ok) return 1;
        const context = await resolveContext({
          workspace,
          ...values.repository !== void 0 && { repository: values.repository },
          ...values.version !== void 0 && { version: values.version },
          ...values.build !== void 0 && { build: values.build }
        });
        for (const note of context.notes) err.write(`pakman: note: ${note}
`);
        const result = await bootstrap(workspace, loaded, context);
        report(result.diagnostics);
        if (!result.dir || hasErrors(result.diagnostics)) return 1;
        out.write(`${result.dir}
`);
        return 0;
      }
      default:
        err.write(`pakman: unknown command ${command}

${USAGE}
`);
        return 2;
    }
  } catch (error) {
    err.write(`pakman: ${error.message}
`);
    return 1;
  }
}
function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

// src/bin/cli.ts
process.exitCode = await main(process.argv.slice(2));

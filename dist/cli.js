#!/usr/bin/env node
import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DirectoryCache,
  buildStage,
  checkPaths,
  checkStage,
  formatDiagnostic,
  jsonSchema,
  renderStage,
  trustedKeys
} from "./chunks/chunk-WILNW4VN.js";
import "./chunks/chunk-566SJ2D4.js";

// src/cli.ts
import { readFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
var USAGE = `pakman: build Alpine packages from instellar.yml

Usage:
  pakman check     [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman bootstrap [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman build     [bootstrap's flags] [--stack alpine/3.N] [--arch ARCH] [--image REF]
                   [--signing-key FILE] [--signing-key-name NAME] [--packages-dir DIR] [--no-cache]
                   [--no-install-test]
  pakman verify     DIR-OR-FILE... --key NAME.rsa.pub [--key \u2026]
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
the current directory and git.`;
var OPTIONS = {
  config: { type: "string" },
  workspace: { type: "string" },
  repository: { type: "string" },
  version: { type: "string" },
  build: { type: "string" },
  stack: { type: "string" },
  arch: { type: "string" },
  image: { type: "string" },
  "signing-key": { type: "string" },
  "signing-key-name": { type: "string" },
  "packages-dir": { type: "string" },
  "no-cache": { type: "boolean" },
  "no-install-test": { type: "boolean" },
  key: { type: "string", multiple: true },
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
  if (extra.length && command !== "verify") {
    err.write(`pakman: unexpected argument ${extra[0]}
`);
    return 2;
  }
  const workspace = resolve(values.workspace ?? process.env.GITHUB_WORKSPACE ?? ".");
  const configFile = values.config ?? displayPath(resolve(workspace, "instellar.yml"));
  const renderSettings = {
    workspace,
    configFile,
    ...values.repository !== void 0 && { repository: values.repository },
    ...values.version !== void 0 && { version: values.version },
    ...values.build !== void 0 && { build: values.build }
  };
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
        const checked = await checkStage(renderSettings);
        report(checked.diagnostics);
        if (!checked.ok) return 1;
        out.write(`${configFile}: ok
`);
        return 0;
      }
      case "bootstrap": {
        const rendered = await renderStage(renderSettings, terminalReporter(err));
        out.write(`${rendered.recipeDir}
`);
        return 0;
      }
      case "build": {
        const result = await buildStage(
          {
            ...renderSettings,
            ...values.stack !== void 0 && { stack: values.stack },
            ...values.arch !== void 0 && { arch: values.arch },
            ...values.image !== void 0 && { image: values.image },
            ...values["signing-key"] !== void 0 && {
              signingKey: await readFile(values["signing-key"], "utf8")
            },
            ...values["signing-key-name"] !== void 0 && {
              keyName: values["signing-key-name"]
            },
            packagesDir: values["packages-dir"] ?? join(homedir(), "packages"),
            keyParent: tmpdir(),
            ...!values["no-cache"] && { cache: new DirectoryCache() },
            installTest: !values["no-install-test"]
          },
          terminalReporter(err)
        );
        for (const file of result.files) out.write(`${file.path}
`);
        out.write(`${result.publicKeyFile}
`);
        const times = result.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}s`).join(", ");
        err.write(`==> Done (environment: ${result.environment.source}): ${times}
`);
        return 0;
      }
      case "verify": {
        if (!extra.length || !values.key?.length) {
          err.write(
            "pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n"
          );
          return 2;
        }
        const keys = trustedKeys(
          await Promise.all(
            values.key.map(async (file) => [
              basename(file),
              await readFile(file, "utf8")
            ])
          )
        );
        const checks = await checkPaths(extra, keys);
        for (const check of checks)
          out.write(
            `${check.path}: ${check.verdict}${check.verdict === "OK" ? "" : ` - ${check.reason}`}
`
          );
        const failed = checks.filter((c) => c.verdict !== "OK").length;
        err.write(`${checks.length} checked, ${failed} failed
`);
        return failed || !checks.length ? 1 : 0;
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
function terminalReporter(err) {
  return {
    group: async (name, fn) => {
      err.write(`==> ${name}
`);
      return fn();
    },
    info: (line) => err.write(`    ${line}
`),
    warning: (message) => err.write(`pakman: warning: ${message}
`),
    diagnostics: (list) => {
      for (const d of list) err.write(`${formatDiagnostic(d)}
`);
    }
  };
}

// src/bin/cli.ts
process.exitCode = await main(process.argv.slice(2));

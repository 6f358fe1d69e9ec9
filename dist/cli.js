#!/usr/bin/env node
import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DirectoryBuildCache,
  DirectoryCache,
  build,
  buildCacheSettings,
  check,
  deliver,
  recordLeftovers,
  removeLeftovers,
  render,
  runEnvironment
} from "./chunks/chunk-MX5RH47R.js";
import {
  DEFAULT_CONFIG,
  DEFAULT_OUTPUT,
  SETTING_KEYS,
  Secrets,
  VERSION,
  checkPaths,
  configLabel,
  flagOf,
  formatBytes,
  formatDiagnostic,
  fromEnvironment,
  jsonSchema,
  listedDependencies,
  loadTrustedKeys,
  parseSignatureChoice,
  readKeyFile,
  readPackageSbom,
  settingOf,
  settingsOf,
  spellFlag,
  writeSite
} from "./chunks/chunk-BZOD6BNK.js";
import "./chunks/chunk-566SJ2D4.js";

// src/cli/commands.ts
import { parseArgs } from "node:util";
var COMMANDS = {
  check: {
    summary: "validate the config and everything bootstrap would refuse (nginx.conf for type: static, the package name from the repository), writing nothing; prints file:line:col: messages, exits 1 on errors"
  },
  bootstrap: {
    summary: "render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory"
  },
  build: {
    summary: "render, run abuild in an Alpine container, verify the packages and install the main one in a clean container; prints each file written. The output replaces what --packages-dir held only after a build that succeeded"
  },
  verify: {
    operands: "DIR-OR-FILE...",
    required: ["trusted-key"],
    summary: "check signatures, datahash, file checksums and each APKINDEX against its directory; trusts only the keys given (the file name is the key name, as in /etc/apk/keys)"
  },
  sbom: {
    operands: "DIR-OR-FILE...",
    summary: "print the SPDX SBOM each package carries (/var/lib/db/sbom/), or with --components its dependencies one per line; reads the packages without judging their signatures (pakman verify does)"
  },
  push: {
    summary: "deploy to Instellar/OpsMaru as the original's push does: upload the packages, the indexes and a zip of them to the storage the platform names, create the deployment for the commit and send kits, sizes, plans and page; --dry-run prints each call instead. Tokens come from INSTELLAR_AUTH_TOKEN and INSTELLAR_PACKAGE_TOKEN only, never flags"
  },
  publish: {
    operands: "s3 DIR",
    required: ["s3-bucket"],
    summary: "upload a build's or a merge's output directory, a signed repository, to an S3-compatible bucket: packages, then each index, then the public key, then any front page; what the bucket holds with the same size and checksum is skipped, and a package there with other bytes is refused. Prints the repository URL and the lines for /etc/apk/repositories. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN only, never flags"
  },
  site: {
    operands: "DIR",
    required: ["site-url"],
    summary: "write the front page of a signed repository into DIR (a merged <stack>/<repo>/<arch>/ tree, or a build's <repo>/<arch>/, with <key-name>.rsa.pub at the top): index.html and README.md listing every package with its version, size, build time and SHA-256, and the lines that trust the key and add the repository; prints the files written"
  },
  schema: { summary: "print the JSON Schema of instellar.yml" },
  help: {
    operands: "[COMMAND]",
    summary: "print this help, or the options of one command"
  }
};
function isCommand(name) {
  return Object.hasOwn(COMMANDS, name);
}
function given(values, key) {
  const value = values[flagOf(key).name];
  return typeof value === "string" ? value : fromEnvironment(key);
}
function givenAll(values, key) {
  const value = values[flagOf(key).name];
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}
function switched(values, key) {
  const flag = flagOf(key);
  return flag.negates ? values[flag.name] !== true : values[flag.name] === true;
}
var DEPRECATED_VERSION = { type: "string" };
var TAKES_DEPRECATED_VERSION = /* @__PURE__ */ new Set(["bootstrap", "build"]);
var HELP_FLAG = { type: "boolean", short: "h" };
function parseOptions(keys) {
  const options = {};
  for (const key of keys) {
    const flag = settingOf(key).flag;
    if (!flag) continue;
    options[flag.name] = {
      type: flag.value ? "string" : "boolean",
      ...flag.multiple && { multiple: true }
    };
  }
  return options;
}
var ALL_FLAGS = parseOptions(SETTING_KEYS);
function dashed(key) {
  return `--${flagOf(key).name}`;
}
function spell(key) {
  const setting = settingOf(key);
  return setting.flag ? spellFlag(key) : setting.env?.[0] ?? key;
}
function acceptDeprecatedVersion(values, err) {
  if (values.version === void 0) return true;
  if (values.pkgver !== void 0) {
    err.write("pakman: --version is the old spelling of --pkgver; give only --pkgver\n");
    return false;
  }
  err.write(
    `pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver ${values.version}
`
  );
  return true;
}
function parseCommand(name, args) {
  const command = COMMANDS[name];
  const flags = settingsOf(name).map((key) => flagOf(key).name);
  const options = { ...parseOptions(settingsOf(name)), help: HELP_FLAG };
  if (TAKES_DEPRECATED_VERSION.has(name)) Object.assign(options, { version: DEPRECATED_VERSION });
  const takes = flags.length ? `it takes ${flags.map((f) => `--${f}`).join(", ")}` : "it takes no options";
  const loose = parseArgs({
    args,
    options: { ...ALL_FLAGS, version: DEPRECATED_VERSION, help: HELP_FLAG },
    strict: false,
    allowPositionals: true,
    tokens: true
  });
  const toolVersion = "pakman --version, before any command, prints PAKman's version";
  for (const token of loose.tokens) {
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(options, token.name)) {
      const hint = token.name === "version" ? `; ${toolVersion}` : "";
      return {
        ok: false,
        message: `${name} does not take ${token.rawName}; ${takes} (see pakman help ${name})${hint}`
      };
    }
    if (token.name === "version" && token.value === void 0) {
      return {
        ok: false,
        message: `--version after a command is the old spelling of --pkgver VERSION and needs a value; ${toolVersion}`
      };
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true
    });
    if (positionals.length && !command.operands) {
      return { ok: false, message: `${name} takes no arguments, got ${positionals[0]}` };
    }
    const { version, help } = values;
    return {
      ok: true,
      values: {
        ...values,
        version: typeof version === "string" ? version : void 0,
        help: help === true
      },
      operands: positionals
    };
  } catch (error) {
    return { ok: false, message: `${error.message} (see pakman help ${name})` };
  }
}

// src/cli/handlers.ts
import { readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// src/cli/reporter.ts
function terminalReporter(err) {
  return {
    option: spell,
    group: async (name, fn) => {
      err.write(`==> ${name}
`);
      return fn();
    },
    info: (line) => err.write(`    ${line}
`),
    notice: (message) => err.write(`pakman: notice: ${message}
`),
    warning: (message) => err.write(`pakman: warning: ${message}
`),
    diagnostics: (list) => {
      for (const d of list) err.write(`${formatDiagnostic(d)}
`);
    }
  };
}

// src/cli/handlers.ts
var HANDLERS = {
  schema,
  check: check2,
  bootstrap,
  build: build2,
  verify,
  sbom,
  push,
  publish,
  site
};
async function schema(_values, _operands, { out }) {
  out.write(`${JSON.stringify(jsonSchema(), null, 2)}
`);
  return 0;
}
async function check2(values, _operands, { out, err }) {
  const settings = renderSettings(values);
  const checked = await check(settings, terminalReporter(err).option);
  for (const d of checked.diagnostics) err.write(`${formatDiagnostic(d)}
`);
  if (!checked.ok) return 1;
  out.write(`${settings.configFile}: ok
`);
  return 0;
}
async function bootstrap(values, _operands, { out, err }) {
  const rendered = await render(renderSettings(values), terminalReporter(err));
  out.write(`${rendered.recipeDir}
`);
  return 0;
}
async function build2(values, _operands, { out, err }) {
  const settings = renderSettings(values);
  const reporter = terminalReporter(err);
  const leftovers = { containers: [], scratch: [], keyDir: "" };
  const stop = (signal) => {
    err.write(`pakman: build: stopped (${signal}); cleaning up
`);
    void removeLeftovers(leftovers, (line) => err.write(`    ${line}
`)).catch((error) => err.write(`pakman: cleanup: ${error.message}
`)).finally(() => process.exit(signal === "SIGTERM" ? 143 : 130));
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
  try {
    return await buildPackages(values, settings, reporter, leftovers, { out, err });
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}
async function buildPackages(values, settings, reporter, leftovers, { out, err }) {
  let signature;
  try {
    const choice = given(values, "signature");
    signature = choice === void 0 ? void 0 : parseSignatureChoice(choice, dashed("signature"));
  } catch (error) {
    err.write(`pakman: ${error.message}
`);
    return 2;
  }
  const signingKeyFile = given(values, "signing-key");
  const limit = given(values, "build-cache-limit");
  const result = await build(
    {
      ...settings,
      ...recordLeftovers(leftovers),
      ...optional("stack", given(values, "stack")),
      ...optional("arch", given(values, "arch")),
      ...optional("image", given(values, "image")),
      ...signingKeyFile !== void 0 && {
        signingKey: await readKeyFile(
          signingKeyFile,
          `--signing-key ${signingKeyFile}`,
          "a PEM RSA private key file"
        )
      },
      ...optional("keyName", given(values, "signing-key-name")),
      packagesDir: packagesDir(values, settings.workspace),
      keyParent: tmpdir(),
      ...switched(values, "cache") && { cache: new DirectoryCache() },
      ...switched(values, "build-cache") && {
        buildCache: buildCacheSettings(
          { paths: givenAll(values, "build-cache-paths"), ...optional("limit", limit) },
          new DirectoryBuildCache(),
          reporter.option
        )
      },
      installTest: switched(values, "verify"),
      ...signature && { signature }
    },
    reporter
  );
  for (const file of result.files) out.write(`${file.path}
`);
  out.write(`${result.publicKeyFile}
`);
  const times = result.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}s`).join(", ");
  err.write(
    `==> Done (environment: ${result.environment.source}, build cache: ${buildCacheLine(result.buildCache)}): ${times}
`
  );
  return 0;
}
function buildCacheLine(cache) {
  if (!cache) return "off";
  const saved = cache.saved ? ", saved" : "";
  return `${cache.state} ${cache.key} ${formatBytes(cache.bytes)}${saved}`;
}
async function sbom(values, operands, { out, err }) {
  if (!operands.length) {
    err.write("pakman: sbom needs .apk files or directories holding them\n");
    return 2;
  }
  const packages = [];
  for (const path of operands) {
    const info = await stat(path).catch(() => void 0);
    if (!info) {
      err.write(`pakman: sbom: ${path} does not exist; give .apk files or directories
`);
      return 2;
    }
    packages.push(...info.isDirectory() ? await packagesUnder(path) : [path]);
  }
  if (!packages.length) {
    err.write(`pakman: sbom: no .apk file in ${operands.join(", ")}
`);
    return 1;
  }
  let failed = 0;
  for (const apk of packages) {
    const found = await readPackageSbom(apk).catch((error) => error);
    if (!found || found instanceof Error) {
      const why = found ? found.message : "holds no SBOM (built with sbom: false, or not by PAKman)";
      err.write(`pakman: sbom: ${apk}: ${why}
`);
      failed++;
    } else if (switched(values, "components")) {
      const name = found.path.replace(/^.*\//, "").replace(/\.spdx\.json$/, "");
      for (const d of listedDependencies(found.document))
        out.write(`${name} ${d.relationship} ${d.name} ${d.version ?? "-"} ${d.purl ?? "-"}
`);
    } else out.write(`${found.document.toString("utf8").replace(/\n?$/, "\n")}`);
  }
  return failed ? 1 : 0;
}
async function packagesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".apk")).map((e) => join(e.parentPath, e.name)).sort();
}
async function verify(values, operands, { out, err }) {
  const keyFiles = givenAll(values, "trusted-key");
  if (!operands.length || !keyFiles.length) {
    err.write("pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n");
    return 2;
  }
  let keys;
  try {
    keys = await loadTrustedKeys(keyFiles);
  } catch (error) {
    err.write(`pakman: --key ${error.message}
`);
    return 2;
  }
  for (const path of operands) {
    if (!await stat(path).catch(() => void 0)) {
      err.write(`pakman: verify: ${path} does not exist; give .apk files, indexes or directories
`);
      return 2;
    }
  }
  const checks = await checkPaths(operands, keys);
  for (const check3 of checks)
    out.write(
      `${check3.path}: ${check3.verdict}${check3.verdict === "OK" ? "" : ` - ${check3.reason}`}
`
    );
  if (!checks.length) {
    err.write(
      `pakman: verify: no .apk file or APKINDEX.tar.gz in ${operands.join(", ")}; nothing was checked
`
    );
    return 1;
  }
  const failed = checks.filter((c) => c.verdict !== "OK").length;
  err.write(`${checks.length} checked, ${failed} failed
`);
  return failed ? 1 : 0;
}
async function site(values, operands, { out, err }) {
  const url = given(values, "site-url");
  if (operands.length !== 1 || url === void 0) {
    err.write("pakman: site needs one repository directory and --url URL\n");
    return 2;
  }
  const dir = operands[0];
  if (!(await stat(dir).catch(() => void 0))?.isDirectory()) {
    err.write(`pakman: site: ${dir} is not a directory; give the repository's top directory
`);
    return 2;
  }
  const written = await writeSite(dir, {
    url,
    ...optional("title", given(values, "site-title")),
    urlName: dashed("site-url")
  });
  for (const file of written.files) out.write(`${file}
`);
  const count = written.facts.directories.reduce((n, d) => n + d.packages.length, 0);
  err.write(
    `${count} packages in ${written.facts.directories.length} directories, for ${written.url}
`
  );
  return 0;
}
async function push(values, _operands, { out, err }) {
  const { workspace, configFile } = workspaceAndConfig(values);
  const concurrency = concurrencyOf(values, err);
  if (concurrency === null) return 2;
  const authToken = fromEnvironment("instellar-auth-token");
  const packageToken = fromEnvironment("instellar-package-token");
  const secrets = new Secrets(() => {
  }, [authToken, packageToken]);
  const dryRun = switched(values, "instellar-dry-run");
  return interruptible("push", "the push was interrupted", secrets, err, async (signal) => {
    const { pushed } = await deliver(
      {
        dir: packagesDir(values, workspace),
        configFile,
        delivery: {
          publish: { artifact: false },
          deployment: {
            repository: given(values, "repository") ?? runEnvironment().repository ?? "",
            hash: given(values, "workflow-sha"),
            ref: given(values, "workflow-ref"),
            ...optional("stack", given(values, "stack")),
            ...optional("endpoint", given(values, "instellar-endpoint") || void 0),
            ...authToken && { authToken },
            ...packageToken && { packageToken },
            dryRun,
            tempDir: tmpdir(),
            ...concurrency && { concurrency },
            secrets
          },
          signal
        }
      },
      pushReporter(dryRun, out, err)
    );
    if (pushed && !dryRun)
      out.write(
        `deployment ${pushed.deploymentId} (${pushed.created ? "created" : "already existed"}) ${pushed.ref} ${pushed.hash} ${pushed.archivePath}
`
      );
  });
}
function pushReporter(dryRun, out, err) {
  return {
    ...terminalReporter(err),
    info: (line) => (dryRun && line.startsWith("would ") ? out : err).write(`${dryRun ? "" : "    "}${line}
`)
  };
}
async function publish(values, operands, { out, err }) {
  const [target, dir, ...more] = operands;
  if (target !== "s3" || dir === void 0 || more.length) {
    err.write(
      `pakman: publish takes a target and a directory, pakman publish s3 DIR --bucket NAME; got ${operands.join(" ") || "nothing"}
`
    );
    return 2;
  }
  const concurrency = concurrencyOf(values, err);
  if (concurrency === null) return 2;
  const awsAccessKeyId = fromEnvironment("s3-access-key-id");
  const awsSecretAccessKey = fromEnvironment("s3-secret-access-key");
  const awsSessionToken = fromEnvironment("s3-session-token");
  if (!awsAccessKeyId || !awsSecretAccessKey) {
    err.write(
      "pakman: publish s3 takes its credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones); set them in the environment\n"
    );
    return 2;
  }
  const secrets = new Secrets(() => {
  }, [awsAccessKeyId, awsSecretAccessKey, awsSessionToken]);
  return interruptible(
    "publish s3",
    "the publish was interrupted",
    secrets,
    err,
    async (signal) => {
      const { bucket: published } = await deliver(
        {
          dir,
          ...optional("stack", given(values, "stack")),
          delivery: {
            publish: { artifact: false },
            bucket: {
              bucket: given(values, "s3-bucket") ?? "",
              ...optional("prefix", given(values, "s3-prefix")),
              ...optional("region", given(values, "s3-region") || void 0),
              ...optional("endpoint", given(values, "s3-endpoint")),
              pathStyle: switched(values, "s3-path-style"),
              ...optional("repositoryUrl", given(values, "repository-url")),
              credentials: {
                accessKeyId: awsAccessKeyId,
                secretAccessKey: awsSecretAccessKey,
                ...awsSessionToken && { sessionToken: awsSessionToken }
              },
              overwrite: switched(values, "s3-overwrite"),
              prune: switched(values, "s3-prune"),
              ...concurrency && { concurrency },
              secrets
            },
            signal
          }
        },
        terminalReporter(err)
      );
      if (!published) return;
      out.write(`${published.repositoryUrl}
`);
      for (const line of published.repositories) out.write(`${line}
`);
      err.write(
        `==> ${published.location}: ${published.uploaded.length} uploaded, ${published.skipped.length} unchanged, ${published.pruned.length} deleted
`
      );
    }
  );
}
function concurrencyOf(values, err) {
  const value = given(values, "concurrency");
  if (value === void 0) return void 0;
  const concurrency = Number(value);
  if (Number.isInteger(concurrency) && concurrency >= 1) return concurrency;
  err.write(`pakman: --concurrency must be a whole number above 0, not ${value}
`);
  return null;
}
async function interruptible(command, reason, secrets, err, run) {
  const cancel = new AbortController();
  const interrupted = () => cancel.abort(reason);
  process.once("SIGINT", interrupted);
  try {
    await run(cancel.signal);
    return 0;
  } catch (error) {
    err.write(`pakman: ${command}: ${secrets.redact(error.message)}
`);
    return cancel.signal.aborted ? 130 : 1;
  } finally {
    process.off("SIGINT", interrupted);
  }
}
function workspaceAndConfig(values) {
  const workspace = resolve(given(values, "workspace") ?? ".");
  const configFile = given(values, "config") ?? configLabel(process.cwd(), resolve(workspace, DEFAULT_CONFIG));
  return { workspace, configFile };
}
function renderSettings(values) {
  return {
    ...workspaceAndConfig(values),
    ...optional("repository", given(values, "repository")),
    ...optional("version", given(values, "version") ?? values.version),
    ...optional("buildNumber", given(values, "build-number")),
    ...!switched(values, "sbom") && { sbom: false }
  };
}
function packagesDir(values, workspace) {
  return given(values, "packages-dir") ?? join(workspace, DEFAULT_OUTPUT);
}
function optional(key, value) {
  return value === void 0 ? {} : { [key]: value };
}

// src/cli/help.ts
function synopsis(name, indent) {
  const command = COMMANDS[name];
  const required = (key) => command.required?.includes(key) ?? false;
  const keys = settingsOf(name);
  const parts = [
    ...command.operands ? [command.operands] : [],
    ...keys.filter(required).map((key) => {
      const flag = flagOf(key);
      return `${spellFlag(key)}${flag.multiple ? ` [--${flag.name} \u2026]` : ""}`;
    }),
    ...keys.filter((key) => !required(key)).map((key) => `[${spellFlag(key)}]`)
  ];
  const head = `pakman ${name.padEnd(9)} `;
  const lines = [`${indent}${head}`];
  for (const part of parts) {
    const line = lines.at(-1);
    if (line.length + part.length > 100 && line.trim().length > head.trim().length) {
      lines.push(`${indent}${" ".repeat(head.length)}${part}`);
    } else lines[lines.length - 1] = `${line}${line.endsWith(" ") ? "" : " "}${part}`;
  }
  return lines.map((l) => l.trimEnd()).join("\n");
}
function wrap(text, indent) {
  const lines = [""];
  for (const word of text.split(" ")) {
    const line = lines.at(-1);
    if (line && indent.length + line.length + word.length + 1 > 100) lines.push(word);
    else lines[lines.length - 1] = line ? `${line} ${word}` : word;
  }
  return lines.join(`
${indent}`);
}
function usage() {
  const names = Object.keys(COMMANDS);
  return [
    `pakman ${VERSION}: build signed Alpine packages from instellar.yml`,
    "",
    "Usage:",
    ...names.map((n) => synopsis(n, "  ")),
    "  pakman --version",
    "",
    ...names.map((n) => `${n.padEnd(10)} ${wrap(COMMANDS[n].summary, " ".repeat(11))}`),
    "",
    "Options go after the command; `pakman help COMMAND` explains them.",
    "Defaults come from GITHUB_WORKSPACE, GITHUB_REPOSITORY and GITHUB_RUN_NUMBER when set, else",
    "from the current directory and git."
  ].join("\n");
}
function commandUsage(name) {
  const command = COMMANDS[name];
  const rows = [
    ...settingsOf(name).map((key) => [spellFlag(key), flagOf(key).help]),
    ["-h, --help", "print this help"]
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage:
${synopsis(name, "  ")}`,
    "",
    wrap(command.summary, ""),
    "",
    "Options:",
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}${wrap(help, " ".repeat(width + 2))}`)
  ].join("\n");
}
function unknownCommand(first) {
  const why = first.startsWith("-") ? `the command comes first: pakman COMMAND [options], and ${first} is not one of pakman's own options (--help, --version)` : `unknown command ${first}`;
  return `pakman: ${why}

${usage()}`;
}
function helpCommand(args, { out, err }) {
  const [topic, ...more] = args;
  if (more.length) {
    err.write(`pakman: help takes one command, got ${args.join(" ")}
`);
    return 2;
  }
  if (topic !== void 0 && !isCommand(topic)) {
    err.write(`pakman: unknown command ${topic}; the commands are ${commandList()}
`);
    return 2;
  }
  out.write(`${topic === void 0 ? usage() : commandUsage(topic)}
`);
  return 0;
}
function commandList() {
  return Object.keys(COMMANDS).join(", ");
}

// src/cli/index.ts
async function main(argv, out = process.stdout, err = process.stderr) {
  const io = { out, err };
  const [first, ...rest] = argv;
  if (first === void 0) {
    err.write(`${usage()}
`);
    return 2;
  }
  if (first === "--version" || first === "-V") return versionCommand(first, rest, io);
  if (first === "help" || first === "--help" || first === "-h") return helpCommand(rest, io);
  if (!isCommand(first) || first === "help") {
    err.write(`${unknownCommand(first)}
`);
    return 2;
  }
  const parsed = parseCommand(first, rest);
  if (!parsed.ok) {
    err.write(`pakman: ${parsed.message}
`);
    return 2;
  }
  if (parsed.values.help) {
    out.write(`${commandUsage(first)}
`);
    return 0;
  }
  if (!acceptDeprecatedVersion(parsed.values, err)) return 2;
  try {
    return await HANDLERS[first](parsed.values, parsed.operands, io);
  } catch (error) {
    err.write(`pakman: ${error.message}
`);
    return 1;
  }
}
function versionCommand(flag, args, { out, err }) {
  if (args.length) {
    err.write(`pakman: ${flag} takes nothing after it, got ${args[0]}
`);
    return 2;
  }
  out.write(`${VERSION}
`);
  return 0;
}

// src/bin/cli.ts
process.exitCode = await main(process.argv.slice(2));

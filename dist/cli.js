#!/usr/bin/env node
import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DirectoryBuildCache,
  DirectoryCache,
  build,
  buildCacheSettings,
  check,
  recordLeftovers,
  removeLeftovers,
  render,
  runEnvironment
} from "./chunks/chunk-N5WUGGL3.js";
import {
  DEFAULT_OUTPUT,
  Secrets,
  VERSION,
  checkPaths,
  configLabel,
  formatBytes,
  formatDiagnostic,
  jsonSchema,
  listedDependencies,
  loadConfigFile,
  loadTrustedKeys,
  parseSignatureChoice,
  publishS3,
  readKeyFile,
  readPackageSbom,
  writeSite
} from "./chunks/chunk-JDDSDB2B.js";
import "./chunks/chunk-566SJ2D4.js";

// src/cli/commands.ts
import { parseArgs } from "node:util";
var FLAGS = {
  config: {
    type: "string",
    value: "FILE",
    help: "the config file (default: instellar.yml in the workspace)"
  },
  workspace: {
    type: "string",
    value: "DIR",
    help: "the application repository (default: GITHUB_WORKSPACE, else the current directory)"
  },
  repository: {
    type: "string",
    value: "OWNER/NAME",
    help: "the package is named after NAME (default: GITHUB_REPOSITORY, else the origin remote)"
  },
  pkgver: {
    type: "string",
    value: "VERSION",
    help: "package version, a leading v dropped (default: git describe --tags --always)"
  },
  build: {
    type: "string",
    value: "N",
    help: "build number, pkgrel (default: GITHUB_RUN_NUMBER, else 0)"
  },
  stack: {
    type: "string",
    value: "alpine/3.N",
    help: "overrides stack: in the config; publish: the stack a build's output goes under when it has no pakman.json"
  },
  arch: { type: "string", value: "ARCH", help: "Alpine architecture (default: this machine's)" },
  image: { type: "string", value: "REF", help: "base image instead of alpine:<N>" },
  "signing-key": {
    type: "string",
    value: "FILE",
    help: "PEM RSA private key (default: a throwaway key, with a warning)"
  },
  "signing-key-name": {
    type: "string",
    value: "NAME",
    help: "packages refer to NAME.rsa.pub (default: <owner>-<repo>; a throwaway key: <owner>-<repo>-throwaway-<fingerprint>)"
  },
  signature: {
    type: "string",
    value: "rsa|rsa256|both",
    help: "the signatures on packages and indexes: rsa (RSA/SHA-1, the default, what every apk reads), rsa256 (RSA/SHA-256), both (RSA256 first, then RSA)"
  },
  "packages-dir": {
    type: "string",
    value: "DIR",
    help: "output directory (default: <workspace>/.pakman/packages); one holding files PAKman did not write is refused"
  },
  "no-sbom": {
    type: "boolean",
    help: "no SPDX SBOM in the packages (default: one in each, at /var/lib/db/sbom/)"
  },
  "no-cache": { type: "boolean", help: "do not keep the build environment in ~/.cache/pakman" },
  "no-build-cache": {
    type: "boolean",
    help: "do not keep the build command's dependency caches in ~/.cache/pakman/build"
  },
  "build-cache-path": {
    type: "string",
    value: "PATH",
    multiple: true,
    help: "an in-tree path to keep between builds as well (_build, deps, node_modules); repeat for more"
  },
  "build-cache-limit": {
    type: "string",
    value: "SIZE",
    help: "a build cache entry larger than this is not saved (default: 4G)"
  },
  "no-install-test": {
    type: "boolean",
    help: "skip installing the main package in a clean container"
  },
  key: {
    type: "string",
    value: "NAME.rsa.pub",
    multiple: true,
    help: "a public key to trust (its file name is its name); repeat for more"
  },
  sha: {
    type: "string",
    value: "SHA",
    help: "the commit to deploy (default: WORKFLOW_SHA, else GITHUB_SHA)"
  },
  ref: {
    type: "string",
    value: "REF",
    help: "the ref the deployment is for (default: WORKFLOW_REF, else GITHUB_REF)"
  },
  endpoint: {
    type: "string",
    value: "URL",
    help: "push: the platform (default: INSTELLAR_ENDPOINT, else https://opsmaru.com); publish s3: the S3 API of a store other than AWS (R2, MinIO, Backblaze, GCS), e.g. https://<account>.r2.cloudflarestorage.com"
  },
  concurrency: {
    type: "string",
    value: "N",
    help: "files uploaded at once (default: 2 for push, 4 for publish)"
  },
  bucket: { type: "string", value: "NAME", help: "the bucket to publish the repository to" },
  prefix: {
    type: "string",
    value: "PATH",
    help: "a folder in the bucket the repository goes under (default: the top)"
  },
  region: {
    type: "string",
    value: "REGION",
    help: "the bucket's region (default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1)"
  },
  "path-style": {
    type: "boolean",
    help: "address the bucket as <endpoint>/<bucket>/ (MinIO, most self-hosted stores) instead of <bucket>.<endpoint host>/"
  },
  "repository-url": {
    type: "string",
    value: "URL",
    help: "where users fetch the repository, a CDN or custom domain (default: the bucket's own URL)"
  },
  overwrite: {
    type: "boolean",
    help: "replace packages that are in the bucket already with other bytes (default: refuse, a version must not change under its name)"
  },
  prune: {
    type: "boolean",
    help: "delete packages no index lists any more, in the directories published (default: delete nothing)"
  },
  "dry-run": { type: "boolean", help: "print every call it would make, and make none" },
  url: {
    type: "string",
    value: "URL",
    help: "the public URL the directory is served at, as the install lines give it (https://owner.github.io/repo/)"
  },
  title: {
    type: "string",
    value: "TEXT",
    help: "the heading of the page (default: Alpine Linux packages)"
  },
  components: {
    type: "boolean",
    help: "one line per dependency instead of the document: package, CONTAINS or DEPENDS_ON, name, version, purl"
  }
};
var RENDER_FLAGS = ["config", "workspace", "repository", "pkgver", "build", "no-sbom"];
var COMMANDS = {
  check: {
    flags: RENDER_FLAGS,
    summary: "validate the config and everything bootstrap would refuse (nginx.conf for type: static, the package name from the repository), writing nothing; prints file:line:col: messages, exits 1 on errors"
  },
  bootstrap: {
    flags: RENDER_FLAGS,
    summary: "render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory"
  },
  build: {
    flags: [
      ...RENDER_FLAGS,
      ...["stack", "arch", "image", "signing-key", "signing-key-name", "signature"],
      "packages-dir",
      ...["no-cache", "no-build-cache", "build-cache-path", "build-cache-limit"],
      "no-install-test"
    ],
    summary: "render, run abuild in an Alpine container, verify the packages and install the main one in a clean container; prints each file written. The output replaces what --packages-dir held only after a build that succeeded"
  },
  verify: {
    operands: "DIR-OR-FILE...",
    flags: ["key"],
    required: ["key"],
    summary: "check signatures, datahash, file checksums and each APKINDEX against its directory; trusts only the keys given (the file name is the key name, as in /etc/apk/keys)"
  },
  sbom: {
    operands: "DIR-OR-FILE...",
    flags: ["components"],
    summary: "print the SPDX SBOM each package carries (/var/lib/db/sbom/), or with --components its dependencies one per line; reads the packages without judging their signatures (pakman verify does)"
  },
  push: {
    flags: [
      ...["packages-dir", "config", "workspace", "repository", "stack"],
      ...["sha", "ref", "endpoint", "concurrency", "dry-run"]
    ],
    summary: "deploy to Instellar/OpsMaru as the original's push does: upload the packages, the indexes and a zip of them to the storage the platform names, create the deployment for the commit and send kits, sizes, plans and page; --dry-run prints each call instead. Tokens come from INSTELLAR_AUTH_TOKEN and INSTELLAR_PACKAGE_TOKEN only, never flags"
  },
  publish: {
    operands: "s3 DIR",
    flags: [
      ...["bucket", "prefix", "region", "endpoint", "path-style", "repository-url"],
      ...["stack", "overwrite", "prune", "concurrency"]
    ],
    required: ["bucket"],
    summary: "upload a build's or a merge's output directory, a signed repository, to an S3-compatible bucket: packages, then each index, then the public key, then any front page; what the bucket holds with the same size and checksum is skipped, and a package there with other bytes is refused. Prints the repository URL and the lines for /etc/apk/repositories. Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN only, never flags"
  },
  site: {
    operands: "DIR",
    flags: ["url", "title"],
    required: ["url"],
    summary: "write the front page of a signed repository into DIR (a merged <stack>/<repo>/<arch>/ tree, or a build's <repo>/<arch>/, with <key-name>.rsa.pub at the top): index.html and README.md listing every package with its version, size, build time and SHA-256, and the lines that trust the key and add the repository; prints the files written"
  },
  schema: { flags: [], summary: "print the JSON Schema of instellar.yml" },
  help: {
    operands: "[COMMAND]",
    flags: [],
    summary: "print this help, or the options of one command"
  }
};
function isCommand(name) {
  return Object.hasOwn(COMMANDS, name);
}
var DEPRECATED_VERSION = { type: "string", value: "VERSION", help: "" };
var TAKES_DEPRECATED_VERSION = /* @__PURE__ */ new Set(["bootstrap", "build"]);
var HELP_FLAG = { type: "boolean", short: "h" };
var CLI_FLAG = {
  config: "config",
  workspace: "workspace",
  repository: "repository",
  version: "pkgver",
  "build-number": "build",
  stack: "stack",
  image: "image",
  arch: "arch",
  "packages-dir": "packages-dir",
  "signing-key": "signing-key",
  "signing-key-name": "signing-key-name",
  signature: "signature",
  cache: "no-cache",
  "build-cache": "no-build-cache",
  "build-cache-paths": "build-cache-path",
  "build-cache-limit": "build-cache-limit",
  verify: "no-install-test",
  sbom: "no-sbom",
  "s3-bucket": "bucket",
  "s3-prefix": "prefix",
  "s3-region": "region",
  "s3-endpoint": "endpoint",
  "s3-path-style": "path-style",
  "s3-overwrite": "overwrite",
  "s3-prune": "prune",
  "repository-url": "repository-url"
};
function spell(name) {
  const flag = FLAGS[name];
  return flag.value ? `--${name} ${flag.value}` : `--${name}`;
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
  const options = { help: HELP_FLAG };
  for (const flag of command.flags) options[flag] = FLAGS[flag];
  if (TAKES_DEPRECATED_VERSION.has(name)) options.version = DEPRECATED_VERSION;
  const takes = command.flags.length ? `it takes ${command.flags.map((f) => `--${f}`).join(", ")}` : "it takes no options";
  const loose = parseArgs({
    args,
    options: { ...FLAGS, version: DEPRECATED_VERSION, help: HELP_FLAG },
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
    return { ok: true, values, operands: positionals };
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
    option: (name) => spell(CLI_FLAG[name]),
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
    signature = values.signature === void 0 ? void 0 : parseSignatureChoice(values.signature, "--signature");
  } catch (error) {
    err.write(`pakman: ${error.message}
`);
    return 2;
  }
  const result = await build(
    {
      ...settings,
      ...recordLeftovers(leftovers),
      ...values.stack !== void 0 && { stack: values.stack },
      ...values.arch !== void 0 && { arch: values.arch },
      ...values.image !== void 0 && { image: values.image },
      ...values["signing-key"] !== void 0 && {
        signingKey: await readKeyFile(
          values["signing-key"],
          `--signing-key ${values["signing-key"]}`,
          "a PEM RSA private key file"
        )
      },
      ...values["signing-key-name"] !== void 0 && {
        keyName: values["signing-key-name"]
      },
      // A directory of PAKman's own in the workspace, never abuild's ~/packages.
      packagesDir: values["packages-dir"] ?? join(settings.workspace, DEFAULT_OUTPUT),
      keyParent: tmpdir(),
      ...!values["no-cache"] && { cache: new DirectoryCache() },
      ...!values["no-build-cache"] && {
        buildCache: buildCacheSettings(
          {
            paths: values["build-cache-path"] ?? [],
            ...values["build-cache-limit"] !== void 0 && {
              limit: values["build-cache-limit"]
            }
          },
          new DirectoryBuildCache(),
          reporter.option
        )
      },
      installTest: !values["no-install-test"],
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
    } else if (values.components) {
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
  if (!operands.length || !values.key?.length) {
    err.write("pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n");
    return 2;
  }
  let keys;
  try {
    keys = await loadTrustedKeys(values.key);
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
  if (operands.length !== 1 || values.url === void 0) {
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
    url: values.url,
    ...values.title !== void 0 && { title: values.title },
    urlName: "--url"
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
  const env = runEnvironment();
  const concurrency = concurrencyOf(values, err);
  if (concurrency === null) return 2;
  const loaded = await loadConfigFile(configFile);
  for (const d of loaded.diagnostics) err.write(`${formatDiagnostic(d)}
`);
  if (!loaded.ok) {
    err.write(`pakman: push: ${configFile} has errors; nothing was deployed
`);
    return 1;
  }
  const { runPush } = await import("./chunks/deploy-ZONDUAVQ.js");
  const authToken = env.instellarAuthToken;
  const packageToken = env.instellarPackageToken;
  const secrets = new Secrets(() => {
  }, [authToken, packageToken]);
  const dryRun = !!values["dry-run"];
  return interruptible("push", "the push was interrupted", secrets, err, async (signal) => {
    const pushed = await runPush({
      packagesDir: values["packages-dir"] ?? join(workspace, DEFAULT_OUTPUT),
      config: loaded.config,
      repository: values.repository ?? env.repository ?? "",
      hash: values.sha ?? env.workflowSha ?? env.sha,
      ref: values.ref ?? env.workflowRef ?? env.ref,
      ...values.stack !== void 0 && { stack: values.stack },
      ...(values.endpoint ?? env.instellarEndpoint) && {
        endpoint: values.endpoint ?? env.instellarEndpoint
      },
      ...authToken && { authToken },
      ...packageToken && { packageToken },
      dryRun,
      tempDir: tmpdir(),
      ...concurrency && { concurrency },
      secrets,
      // dry-run lines are the command's output; progress goes to stderr
      log: (line) => (dryRun && line.startsWith("would ") ? out : err).write(`${dryRun ? "" : "    "}${line}
`),
      notice: (message) => err.write(`pakman: notice: ${message}
`),
      signal
    });
    if (!dryRun)
      out.write(
        `deployment ${pushed.deploymentId} (${pushed.created ? "created" : "already existed"}) ${pushed.ref} ${pushed.hash} ${pushed.archivePath}
`
      );
  });
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
  const env = runEnvironment();
  const { awsAccessKeyId, awsSecretAccessKey, awsSessionToken } = env;
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
      const published = await publishS3({
        dir,
        ...values.stack !== void 0 && { stack: values.stack },
        bucket: values.bucket ?? "",
        ...values.prefix !== void 0 && { prefix: values.prefix },
        ...(values.region ?? env.awsRegion) && { region: values.region ?? env.awsRegion },
        ...values.endpoint !== void 0 && { endpoint: values.endpoint },
        pathStyle: !!values["path-style"],
        ...values["repository-url"] !== void 0 && { repositoryUrl: values["repository-url"] },
        credentials: {
          accessKeyId: awsAccessKeyId,
          secretAccessKey: awsSecretAccessKey,
          ...awsSessionToken && { sessionToken: awsSessionToken }
        },
        overwrite: !!values.overwrite,
        prune: !!values.prune,
        ...concurrency && { concurrency },
        secrets,
        option: terminalReporter(err).option,
        log: (line) => err.write(`    ${line}
`),
        signal
      });
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
  if (values.concurrency === void 0) return void 0;
  const concurrency = Number(values.concurrency);
  if (Number.isInteger(concurrency) && concurrency >= 1) return concurrency;
  err.write(`pakman: --concurrency must be a whole number above 0, not ${values.concurrency}
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
  const workspace = resolve(values.workspace ?? runEnvironment().workspace ?? ".");
  const configFile = values.config ?? configLabel(process.cwd(), resolve(workspace, "instellar.yml"));
  return { workspace, configFile };
}
function renderSettings(values) {
  const pkgver = values.pkgver ?? values.version;
  return {
    ...workspaceAndConfig(values),
    ...values.repository !== void 0 && { repository: values.repository },
    ...pkgver !== void 0 && { version: pkgver },
    ...values.build !== void 0 && { build: values.build },
    ...values["no-sbom"] && { sbom: false }
  };
}

// src/cli/help.ts
function synopsis(name, indent) {
  const command = COMMANDS[name];
  const parts = [
    ...command.operands ? [command.operands] : [],
    ...command.flags.map(
      (f) => !command.required?.includes(f) ? `[${spell(f)}]` : `${spell(f)}${"multiple" in FLAGS[f] ? ` [--${f} \u2026]` : ""}`
    )
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
    ...command.flags.map((f) => [spell(f), FLAGS[f].help]),
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

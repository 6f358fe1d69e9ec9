import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  ActionsCache,
  Docker,
  buildStage,
  mergeStage,
  publish,
  publishDirectory,
  removeSigningKey,
  renderStage,
  secretsOf
} from "./chunks/chunk-WILNW4VN.js";
import {
  error,
  getBooleanInput,
  getInput,
  getState,
  group,
  info,
  notice,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-XMAN3V5Y.js";
import "./chunks/chunk-KN4HR7WG.js";
import "./chunks/chunk-566SJ2D4.js";

// src/main.ts
import { resolve } from "node:path";

// src/inputs.ts
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
function getInputs(env = process.env) {
  const optional = (name) => getInput(name).trim() || void 0;
  const flag = (name, fallback) => optional(name) === void 0 ? fallback : getBooleanInput(name);
  const signingKey = getInput("signing-key") || env.ABUILD_PRIVATE_KEY || void 0;
  const publicKey = env.ABUILD_PUBLIC_KEY || void 0;
  if (signingKey) for (const secret of secretsOf(signingKey)) setSecret(secret);
  return {
    config: optional("config") ?? "instellar.yml",
    workspace: optional("workspace") ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    ...optionalEntry("repository", optional("repository")),
    ...optionalEntry("version", optional("version")),
    ...optionalEntry("buildNumber", optional("build-number")),
    build: flag("build", true),
    ...optionalEntry("stack", optional("stack")),
    ...optionalEntry("image", optional("image")),
    ...optionalEntry("arch", optional("arch")),
    packagesDir: optional("packages-dir") ?? join(homedir(), "packages"),
    ...optionalEntry("signingKey", signingKey),
    ...optionalEntry("signingKeyName", optional("signing-key-name")),
    ...optionalEntry("publicKey", publicKey),
    cache: flag("cache", true),
    verify: flag("verify", true),
    upload: parseUpload(optional("upload") ?? "artifact"),
    ...optionalEntry("artifactName", optional("artifact-name")),
    ...optionalEntry(
      "releaseTag",
      optional("release-tag") ?? env.GITHUB_REF?.match(/^refs\/tags\/(.+)$/)?.[1]
    ),
    ...optionalEntry("githubToken", optional("github-token") ?? env.GITHUB_TOKEN),
    mode: parseMode(optional("mode") ?? "build"),
    tempDir: env.RUNNER_TEMP || tmpdir()
  };
}
function optionalEntry(key, value) {
  return value === void 0 ? {} : { [key]: value };
}
function parseUpload(text) {
  const values = text.split(",").map((v) => v.trim()).filter(Boolean);
  const unknown = values.filter((v) => !["artifact", "release", "none"].includes(v));
  if (unknown.length)
    throw new Error(`upload: ${unknown.join(", ")} is not one of artifact, release, none`);
  return { artifact: values.includes("artifact"), release: values.includes("release") };
}
function parseMode(text) {
  if (text !== "build" && text !== "merge") throw new Error(`mode: ${text} is not build or merge`);
  return text;
}

// src/reporter.ts
import { relative } from "node:path";
function actionReporter(workspace) {
  return {
    group: (name, fn) => group(name, fn),
    info: (line) => info(line),
    warning: (message) => warning(message),
    diagnostics: (list2) => annotate(list2, workspace)
  };
}
function annotate(diagnostics, workspace) {
  for (const d of diagnostics) {
    const file = relative(workspace, d.file) || d.file;
    const properties = {
      title: d.key ? `instellar.yml: ${d.key}` : "instellar.yml",
      file,
      startLine: d.line,
      endLine: d.endLine,
      // GitHub accepts columns only on single-line annotations.
      ...d.line === d.endLine && {
        startColumn: d.column,
        endColumn: Math.max(d.column, d.endColumn)
      }
    };
    const log = d.severity === "error" ? error : d.severity === "warning" ? warning : notice;
    log(d.message, properties);
  }
}

// src/state.ts
var containers = [];
var keyDir = "";
var state = {
  get isPost() {
    return getState("isPost") === "true";
  },
  markMainStarted() {
    saveState("isPost", "true");
  },
  addContainer(name) {
    containers.push(name);
    saveState("containers", containers.join("\n"));
  },
  setKeyDir(dir) {
    keyDir = dir;
    saveState("keyDir", dir);
  },
  /** In the main step: what this process recorded. In the post step: what the main step saved. */
  leftovers() {
    if (containers.length || keyDir) return { containers: [...containers], keyDir };
    return {
      containers: getState("containers").split("\n").filter(Boolean),
      keyDir: getState("keyDir")
    };
  }
};

// src/summary.ts
async function renderSummary(recipe, diagnostics) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  summary.addHeading(`PAKman: ${recipe.packageName} ${recipe.version}-r${recipe.release}`, 2).addTable([
    [
      { data: "Package", header: true },
      { data: "Version", header: true },
      { data: "Recipe", header: true }
    ],
    [recipe.packageName, `${recipe.version}-r${recipe.release}`, `<code>${recipe.dir}</code>`]
  ]).addDetails("Generated files", list(recipe.files.map((f) => f.name)));
  addDiagnostics(diagnostics);
  await summary.write();
}
async function buildSummary(result, published = {}) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { recipe, loaded } = result.rendered;
  summary.addHeading(
    `PAKman: ${recipe.packageName} ${recipe.version}-r${recipe.release} (${result.stack}, ${result.arch})`,
    2
  ).addTable([
    ["File", "Version", "Arch", "Size", "SHA-256"].map((data) => ({ data, header: true })),
    ...result.files.map((f) => [
      `<code>${escape(f.relativePath)}</code>`,
      f.version ?? "",
      f.arch,
      formatBytes(f.size),
      `<code>${f.sha256}</code>`
    ])
  ]).addTable([
    [
      { data: "Stack", header: true },
      { data: "Base image", header: true },
      { data: "Signing key", header: true },
      { data: "Environment", header: true }
    ],
    [
      result.stack,
      `<code>${escape(result.baseImage)}</code>`,
      `<code>${escape(result.keyName)}.rsa.pub</code>${result.ephemeralKey ? " (throwaway key)" : ""}`,
      { local: "already in Docker", cache: "cache hit", built: "cache miss: built" }[result.environment.source] + (result.environment.archiveBytes ? ` (${formatBytes(result.environment.archiveBytes)} cached)` : "")
    ]
  ]).addTable([
    [
      { data: "Phase", header: true },
      { data: "Seconds", header: true }
    ],
    ...result.phases.map((p) => [p.name, p.seconds.toFixed(2)])
  ]);
  addPublished(published);
  addDiagnostics([...loaded.diagnostics, ...recipe.diagnostics]);
  await summary.write();
}
async function mergeSummary(merged, published) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  summary.addHeading(`PAKman: one repository from ${merged.manifests.length} build jobs`, 2).addTable([
    [
      { data: "Directory", header: true },
      { data: "Stack", header: true },
      { data: "Arch", header: true }
    ],
    ...merged.directories.map((dir) => [
      `<code>${escape(dir)}</code>`,
      escape(dir.split("/").slice(0, -2).join("/")),
      escape(dir.split("/").at(-1) ?? "")
    ])
  ]).addRaw(
    `<p>${merged.packages} packages, indexes signed with <code>${escape(merged.keyName)}.rsa.pub</code></p>`,
    true
  );
  addPublished(published);
  await summary.write();
}
function addPublished(published) {
  const where = [
    published.artifactName && `artifact <code>${escape(published.artifactName)}</code>`,
    published.releaseUrl && `<a href="${escape(published.releaseUrl)}">release</a>`
  ].filter(Boolean);
  if (where.length) summary.addRaw(`<p>Published: ${where.join(", ")}</p>`, true);
}
function addDiagnostics(diagnostics) {
  const notable = diagnostics.filter((d) => d.severity !== "notice");
  if (notable.length) {
    summary.addHeading("Config warnings", 3).addList(notable.map((d) => escape(`${d.line}:${d.column} ${d.message}`)));
  }
}
function list(items) {
  return `<ul>${items.map((item) => `<li><code>${escape(item)}</code></li>`).join("")}</ul>`;
}
function formatBytes(bytes) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
function escape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// src/main.ts
async function run() {
  state.markMainStarted();
  const inputs = getInputs();
  const publishing = publishSettings(inputs);
  const workspace = resolve(inputs.workspace);
  const reporter = actionReporter(workspace);
  const common = {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...inputs.repository && { repository: inputs.repository },
    ...inputs.version && { version: inputs.version },
    ...inputs.buildNumber && { build: inputs.buildNumber }
  };
  if (inputs.mode === "merge") {
    await runMerge(inputs, workspace, publishing);
    return;
  }
  if (!inputs.build) {
    const { recipe: recipe2, recipeDir: recipeDir2, loaded } = await renderStage(common, reporter);
    setRecipeOutputs(recipe2, recipeDir2);
    await renderSummary(recipe2, [...loaded.diagnostics, ...recipe2.diagnostics]);
    return;
  }
  const result = await buildStage(
    {
      ...common,
      ...inputs.stack && { stack: inputs.stack },
      ...inputs.image && { image: inputs.image },
      ...inputs.arch && { arch: inputs.arch },
      packagesDir: inputs.packagesDir,
      ...inputs.signingKey && { signingKey: inputs.signingKey },
      ...inputs.publicKey && { publicKey: inputs.publicKey },
      ...inputs.signingKeyName && { keyName: inputs.signingKeyName },
      keyParent: inputs.tempDir,
      ...inputs.cache && { cache: new ActionsCache() },
      installTest: inputs.verify,
      onContainer: (name) => state.addContainer(name),
      onKeyDir: (dir) => state.setKeyDir(dir)
    },
    reporter
  );
  const { recipe, recipeDir } = result.rendered;
  setRecipeOutputs(recipe, recipeDir);
  setOutput(
    "packages",
    JSON.stringify(result.files.filter((f) => f.kind === "package").map((f) => f.path))
  );
  setOutput("packages-dir", result.packagesDir);
  setOutput("release", String(recipe.release));
  setOutput("cache-hit", String(result.environment.source !== "built"));
  setOutput("public-key", result.publicKeyFile);
  setOutput("key-name", result.keyName);
  const published = await group(
    "Publish",
    () => publish(
      {
        packageName: recipe.packageName,
        version: recipe.version,
        release: recipe.release,
        stack: result.stack,
        arch: result.arch,
        keyName: result.keyName,
        packagesDir: result.packagesDir,
        publicKeyFile: result.publicKeyFile,
        files: result.files
      },
      publishing,
      (line) => info(line)
    )
  );
  setPublishedOutputs(published);
  await buildSummary(result, published);
}
async function runMerge(inputs, workspace, publishing) {
  const merged = await mergeStage(
    {
      workspace,
      packagesDir: inputs.packagesDir,
      ...inputs.signingKey && { signingKey: inputs.signingKey },
      ...inputs.signingKeyName && { keyName: inputs.signingKeyName },
      ...(process.env.GITHUB_REPOSITORY ?? inputs.repository) && {
        repository: process.env.GITHUB_REPOSITORY ?? inputs.repository
      }
    },
    actionReporter(workspace)
  );
  const published = await group(
    "Publish",
    () => publishDirectory(
      {
        dir: merged.packagesDir,
        artifactName: inputs.artifactName ?? `${merged.manifests[0]?.package ?? "packages"}-repository`,
        assets: merged.assets
      },
      publishing,
      (line) => info(line)
    )
  );
  setOutput("packages-dir", merged.packagesDir);
  setOutput("public-key", merged.publicKeyFile);
  setOutput("key-name", merged.keyName);
  setPublishedOutputs(published);
  await mergeSummary(merged, published);
}
function publishSettings(inputs) {
  const releaseTag = inputs.upload.release ? inputs.releaseTag : void 0;
  if (inputs.upload.release && !releaseTag) {
    throw new Error("upload: release needs a tag: push a tag, or set release-tag");
  }
  return {
    artifact: inputs.upload.artifact,
    ...releaseTag && { releaseTag },
    ...inputs.artifactName && { artifactName: inputs.artifactName },
    ...inputs.githubToken && { token: inputs.githubToken },
    repository: process.env.GITHUB_REPOSITORY ?? inputs.repository ?? ""
  };
}
function setPublishedOutputs(published) {
  if (published.artifactId !== void 0)
    setOutput("artifact-id", String(published.artifactId));
  if (published.artifactName) setOutput("artifact-name", published.artifactName);
  if (published.releaseUrl) setOutput("release-url", published.releaseUrl);
}
function setRecipeOutputs(recipe, recipeDir) {
  setOutput("recipe-dir", recipeDir);
  setOutput("package-name", recipe.packageName);
  setOutput("version", recipe.version);
  setOutput("build-number", String(recipe.release));
}

// src/post.ts
async function cleanUp() {
  const { containers: containers2, keyDir: keyDir2 } = state.leftovers();
  try {
    const docker = new Docker();
    for (const name of containers2) {
      if (await docker.removeContainer(name)) info(`removed container ${name}`);
    }
    if (keyDir2) {
      await removeSigningKey(keyDir2);
      info("removed the signing key files");
    }
  } catch (error2) {
    warning(`cleanup: ${error2.message}`);
  }
}

// src/bin/action.ts
if (state.isPost) {
  await cleanUp();
} else {
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      error(`cancelled (${signal}); cleaning up`);
      void cleanUp().finally(() => process.exit(signal === "SIGTERM" ? 143 : 130));
    });
  }
  try {
    await run();
  } catch (error2) {
    setFailed(error2 instanceof Error ? error2.message : String(error2));
  }
}

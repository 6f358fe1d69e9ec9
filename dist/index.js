import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  ActionsBuildCache,
  ActionsCache,
  build,
  buildCacheSettings,
  checkBucket,
  checkDeployment,
  merge,
  newProgress,
  recordLeftovers,
  removeLeftovers,
  render,
  runEnvironment
} from "./chunks/chunk-MX5RH47R.js";
import {
  PAGES_ARTIFACT,
  Secrets,
  defaultPagesUrl,
  formatBytes,
  fromEnvironment,
  parseSignatureChoice,
  publicKeyFileName,
  secretsOf,
  settingOf,
  siteUrl,
  spellInput
} from "./chunks/chunk-BZOD6BNK.js";
import {
  error,
  getBooleanInput,
  getInput,
  getMultilineInput,
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
} from "./chunks/chunk-ZB5P3EGZ.js";
import "./chunks/chunk-KN4HR7WG.js";
import "./chunks/chunk-566SJ2D4.js";

// src/action/inputs.ts
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
function getInputs(env = runEnvironment()) {
  const optional = (key) => {
    const value = getInput(key).trim() || fromEnvironment(key);
    if (value && settingOf(key).secret) setSecret(value);
    return value;
  };
  const withDefault = (key) => optional(key) ?? settingOf(key).default ?? "";
  const on = (key) => getInput(key).trim() ? getBooleanInput(key) : settingOf(key).default === "true";
  const signingKey = getInput("signing-key") || env.abuildPrivateKey || void 0;
  const publicKey = env.abuildPublicKey || void 0;
  if (signingKey) for (const secret of secretsOf(signingKey)) setSecret(secret);
  const signature = optional("signature");
  return {
    config: withDefault("config"),
    workspace: optional("workspace") ?? process.cwd(),
    ...optionalEntry("repository", optional("repository")),
    ...optionalEntry("version", optional("version")),
    ...optionalEntry("buildNumber", optional("build-number")),
    build: on("build"),
    ...optionalEntry("stack", optional("stack")),
    ...optionalEntry("image", optional("image")),
    ...optionalEntry("arch", optional("arch")),
    packagesDir: optional("packages-dir") ?? join(homedir(), "packages"),
    ...optionalEntry("signingKey", signingKey),
    ...optionalEntry("signingKeyName", optional("signing-key-name")),
    ...optionalEntry("publicKey", publicKey),
    ...signature !== void 0 && {
      signature: parseSignatureChoice(signature, spellInput("signature"))
    },
    cache: on("cache"),
    buildCache: {
      enabled: on("build-cache"),
      paths: getMultilineInput("build-cache-paths").flatMap((line) => line.split(",")).filter((path) => path.trim()),
      ...optionalEntry("limit", optional("build-cache-limit"))
    },
    verify: on("verify"),
    sbom: on("sbom"),
    upload: parseUpload(withDefault("upload")),
    ...optionalEntry("repositoryUrl", optional("repository-url")),
    ...optionalEntry("artifactName", optional("artifact-name")),
    ...optionalEntry(
      "releaseTag",
      optional("release-tag") ?? env.ref?.match(/^refs\/tags\/(.+)$/)?.[1]
    ),
    ...optionalEntry("githubToken", optional("github-token")),
    instellar: {
      ...optionalEntry("authToken", optional("instellar-auth-token")),
      ...optionalEntry("packageToken", optional("instellar-package-token")),
      ...optionalEntry("endpoint", optional("instellar-endpoint")),
      ...optionalEntry("sha", optional("workflow-sha")),
      ...optionalEntry("ref", optional("workflow-ref")),
      dryRun: on("instellar-dry-run")
    },
    s3: {
      ...optionalEntry("bucket", optional("s3-bucket")),
      ...optionalEntry("prefix", optional("s3-prefix")),
      ...optionalEntry("region", optional("s3-region")),
      ...optionalEntry("endpoint", optional("s3-endpoint")),
      pathStyle: on("s3-path-style"),
      ...optionalEntry("accessKeyId", optional("s3-access-key-id")),
      ...optionalEntry("secretAccessKey", optional("s3-secret-access-key")),
      ...optionalEntry("sessionToken", optional("s3-session-token")),
      overwrite: on("s3-overwrite"),
      prune: on("s3-prune")
    },
    mode: parseMode(withDefault("mode")),
    tempDir: env.runnerTemp || tmpdir(),
    ...optionalEntry("runRepository", env.repository),
    ...optionalEntry("apiUrl", env.apiUrl),
    ...optionalEntry("sourceDateEpoch", env.sourceDateEpoch)
  };
}
function optionalEntry(key, value) {
  return value === void 0 ? {} : { [key]: value };
}
function parseUpload(text) {
  const values = text.split(",").map((v) => v.trim()).filter(Boolean);
  const known = ["artifact", "release", "instellar", "pages", "s3", "none"];
  const unknown = values.filter((v) => !known.includes(v));
  if (unknown.length)
    throw new Error(`upload: ${unknown.join(", ")} is not one of ${known.join(", ")}`);
  return {
    artifact: values.includes("artifact"),
    release: values.includes("release"),
    instellar: values.includes("instellar"),
    pages: values.includes("pages"),
    s3: values.includes("s3")
  };
}
function parseMode(text) {
  if (text !== "build" && text !== "merge") throw new Error(`mode: ${text} is not build or merge`);
  return text;
}

// src/action/outputs.ts
function setOutputs({ built, merged, delivered }) {
  if (built) setBuildOutputs(built, delivered.subjectChecksums);
  if (merged) setMergeOutputs(merged);
  setPublishedOutputs(delivered.published);
  if (delivered.bucket) setS3Outputs(delivered.bucket);
  if (delivered.pushed && !delivered.pushed.dryRun) setPushedOutputs(delivered.pushed);
}
function setRecipeOutputs({ recipe, recipeDir }) {
  setOutput("recipe-dir", recipeDir);
  setOutput("package-name", recipe.packageName);
  setOutput("version", recipe.version);
  setOutput("build-number", String(recipe.release));
}
function setBuildOutputs(result, subjectChecksums) {
  setRecipeOutputs(result.rendered);
  setOutput(
    "packages",
    JSON.stringify(result.files.filter((f) => f.kind === "package").map((f) => f.path))
  );
  setOutput(
    "sbom",
    JSON.stringify(result.files.filter((f) => f.kind === "sbom").map((f) => f.path))
  );
  if (subjectChecksums) setOutput("subject-checksums", subjectChecksums);
  setOutput("packages-dir", result.packagesDir);
  setOutput("release", String(result.rendered.recipe.release));
  setOutput("cache-hit", String(result.environment.source !== "built"));
  setOutput("build-cache", result.buildCache?.state ?? "off");
  if (result.buildCache) setOutput("build-cache-key", result.buildCache.key);
  setOutput("public-key", result.publicKeyFile);
  setOutput("key-name", result.keyName);
}
function setMergeOutputs(merged) {
  setOutput("packages-dir", merged.packagesDir);
  setOutput("public-key", merged.publicKeyFile);
  setOutput("key-name", merged.keyName);
}
function setPublishedOutputs(published) {
  if (published.artifactId !== void 0)
    setOutput("artifact-id", String(published.artifactId));
  if (published.artifactName) setOutput("artifact-name", published.artifactName);
  if (published.releaseUrl) setOutput("release-url", published.releaseUrl);
  if (published.pagesArtifactId !== void 0)
    setOutput("pages-artifact-id", String(published.pagesArtifactId));
  if (published.repositoryUrl) setOutput("repository-url", published.repositoryUrl);
}
function setPushedOutputs(pushed) {
  setOutput("deployment-id", String(pushed.deploymentId));
  setOutput("archive-path", pushed.archivePath);
}
function setS3Outputs(published) {
  setOutput("repository-url", published.repositoryUrl);
  setOutput("s3-uploaded", JSON.stringify(published.uploaded));
  setOutput("s3-skipped", JSON.stringify(published.skipped));
}

// src/action/reporter.ts
import { relative } from "node:path";
function newRunRecord() {
  return { phases: [], diagnostics: [], progress: newProgress() };
}
function actionReporter(workspace, record) {
  return {
    option: spellInput,
    group: async (name, fn) => {
      record.phases.push(name);
      try {
        return await group(name, fn);
      } catch (error2) {
        record.failedPhase ??= name;
        throw error2;
      }
    },
    info: (line) => info(line),
    notice: (message) => notice(message),
    warning: (message) => warning(message),
    diagnostics: (list2) => {
      record.diagnostics.push(...list2);
      annotate(list2, workspace);
    }
  };
}
function annotate(diagnostics, workspace) {
  for (const d of diagnostics) {
    const file = relative(workspace, d.file) || d.file;
    const properties = {
      // the config file actually read, which the config input may name otherwise
      title: d.key ? `${file}: ${d.key}` : file,
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

// src/action/settings.ts
import { resolve } from "node:path";
function renderSettings(inputs) {
  const workspace = resolve(inputs.workspace);
  return {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...inputs.repository && { repository: inputs.repository },
    ...inputs.version && { version: inputs.version },
    ...inputs.buildNumber && { buildNumber: inputs.buildNumber },
    sbom: inputs.sbom
  };
}
function buildSettings(inputs, leftovers, delivery, reporter) {
  const buildCache = inputs.buildCache.enabled && buildCacheSettings(inputs.buildCache, new ActionsBuildCache(inputs.tempDir), reporter.option);
  return {
    ...renderSettings(inputs),
    ...inputs.stack && { stack: inputs.stack },
    ...inputs.image && { image: inputs.image },
    ...inputs.arch && { arch: inputs.arch },
    packagesDir: inputs.packagesDir,
    ...inputs.signingKey && { signingKey: inputs.signingKey },
    ...inputs.publicKey && { publicKey: inputs.publicKey },
    ...inputs.signingKeyName && { keyName: inputs.signingKeyName },
    ...inputs.signature && { signature: inputs.signature },
    keyParent: inputs.tempDir,
    ...inputs.cache && { cache: new ActionsCache() },
    ...buildCache && { buildCache },
    installTest: inputs.verify,
    // Recorded for the post step, which removes them when the run is cancelled.
    ...leftovers,
    delivery: { ...delivery, subjectsDir: inputs.tempDir }
  };
}
function mergeSettings(inputs, delivery) {
  const repository = inputs.repository ?? inputs.runRepository;
  return {
    workspace: resolve(inputs.workspace),
    configFile: inputs.config,
    packagesDir: inputs.packagesDir,
    ...inputs.signingKey && { signingKey: inputs.signingKey },
    ...inputs.signingKeyName && { keyName: inputs.signingKeyName },
    ...inputs.signature && { signature: inputs.signature },
    // The repository input names the packages (and so the default key), as in a build job.
    ...repository && { repository },
    tempDir: inputs.tempDir,
    ...inputs.sourceDateEpoch !== void 0 && { sourceDateEpoch: inputs.sourceDateEpoch },
    delivery
  };
}
async function deliverySettings(inputs, signal, reporter) {
  const publish = publishSettings(inputs);
  const deployment = inputs.upload.instellar ? deploymentSettings(inputs) : void 0;
  if (deployment) await checkDeployment(deployment, reporter);
  const bucket = inputs.upload.s3 ? bucketSettings(inputs) : void 0;
  if (bucket) checkBucket(bucket, reporter);
  return {
    publish,
    ...bucket && { bucket },
    ...deployment && { deployment },
    signal
  };
}
function publishSettings(inputs) {
  const releaseTag = inputs.upload.release ? inputs.releaseTag : void 0;
  if (inputs.upload.release && !releaseTag) {
    throw new Error("upload: release needs a tag: push a tag, or set release-tag");
  }
  const pages = inputs.upload.pages ? pagesSettings(inputs) : void 0;
  return {
    artifact: inputs.upload.artifact,
    ...releaseTag && { releaseTag },
    ...pages && { pages },
    ...inputs.artifactName && { artifactName: inputs.artifactName },
    ...inputs.githubToken && { token: inputs.githubToken },
    repository: inputs.runRepository ?? inputs.repository ?? "",
    ...inputs.apiUrl && { apiUrl: inputs.apiUrl }
  };
}
function pagesSettings(inputs) {
  if (inputs.mode !== "merge")
    throw new Error(
      "upload: pages publishes the merged repository: use it in the merge job (mode: merge), which needs the build jobs"
    );
  const repository = inputs.runRepository ?? inputs.repository;
  const url = inputs.repositoryUrl ?? defaultPagesUrl(repository ?? "");
  if (!url)
    throw new Error(
      "upload: pages needs repository-url, or GITHUB_REPOSITORY (OWNER/NAME) for the github.io URL"
    );
  return { url: siteUrl(url, "repository-url"), tempDir: inputs.tempDir };
}
function bucketSettings(inputs) {
  const { s3 } = inputs;
  if (!s3.accessKeyId || !s3.secretAccessKey)
    throw new Error(
      "upload: s3 needs credentials: run aws-actions/configure-aws-credentials before this step (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), or pass s3-access-key-id and s3-secret-access-key"
    );
  return {
    bucket: s3.bucket ?? "",
    ...s3.prefix && { prefix: s3.prefix },
    ...s3.region && { region: s3.region },
    ...s3.endpoint && { endpoint: s3.endpoint },
    pathStyle: s3.pathStyle,
    ...inputs.repositoryUrl && { repositoryUrl: inputs.repositoryUrl },
    credentials: {
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      ...s3.sessionToken && { sessionToken: s3.sessionToken }
    },
    overwrite: s3.overwrite,
    prune: s3.prune,
    secrets: new Secrets(
      (value) => setSecret(value),
      [s3.accessKeyId, s3.secretAccessKey, s3.sessionToken]
    )
  };
}
function deploymentSettings(inputs) {
  const { instellar } = inputs;
  return {
    repository: inputs.runRepository ?? inputs.repository ?? "",
    hash: instellar.sha,
    ref: instellar.ref,
    ...inputs.stack && { stack: inputs.stack },
    ...instellar.endpoint && { endpoint: instellar.endpoint },
    ...instellar.authToken && { authToken: instellar.authToken },
    ...instellar.packageToken && { packageToken: instellar.packageToken },
    dryRun: instellar.dryRun,
    tempDir: inputs.tempDir,
    secrets: new Secrets(
      (value) => setSecret(value),
      [instellar.authToken, instellar.packageToken]
    )
  };
}

// src/action/summary.ts
async function renderSummary(recipe, diagnostics) {
  if (!runEnvironment().stepSummary) return;
  summary.addHeading(`PAKman: ${recipe.packageName} ${recipe.version}-r${recipe.release}`, 2).addTable([
    [
      { data: "Package", header: true },
      { data: "Version", header: true },
      { data: "Recipe", header: true },
      ...serviceUserHeader(recipe)
    ],
    [
      recipe.packageName,
      `${recipe.version}-r${recipe.release}`,
      `<code>${recipe.dir}</code>`,
      ...serviceUserCell(recipe)
    ]
  ]).addDetails("Generated files", list(recipe.files.map((f) => f.name)));
  addDiagnostics(diagnostics);
  await summary.write();
}
async function buildSummary(result, delivered) {
  if (!runEnvironment().stepSummary) return;
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
      { data: "Environment", header: true },
      { data: "Build cache", header: true },
      ...serviceUserHeader(recipe)
    ],
    [
      result.stack,
      `<code>${escape(result.baseImage)}</code>`,
      `<code>${escape(publicKeyFileName(result.keyName))}</code>${result.ephemeralKey ? " (throwaway key)" : ""}`,
      { local: "already in Docker", cache: "cache hit", built: "cache miss: built" }[result.environment.source] + (result.environment.archiveBytes ? ` (${formatBytes(result.environment.archiveBytes)} cached)` : ""),
      buildCacheCell(result.buildCache),
      ...serviceUserCell(recipe)
    ]
  ]).addTable([
    [
      { data: "Phase", header: true },
      { data: "Seconds", header: true }
    ],
    ...result.phases.map((p) => [p.name, p.seconds.toFixed(2)])
  ]);
  addDelivered(delivered);
  addDiagnostics([...loaded.diagnostics, ...recipe.diagnostics]);
  await summary.write();
}
async function mergeSummary(merged, delivered) {
  if (!runEnvironment().stepSummary) return;
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
    `<p>${merged.packages} packages, indexes signed with <code>${escape(publicKeyFileName(merged.keyName))}</code></p>`,
    true
  );
  addDelivered(delivered);
  await summary.write();
}
function serviceUserHeader(recipe) {
  return recipe.serviceUser ? [{ data: "Service runs as", header: true }] : [];
}
function serviceUserCell(recipe) {
  if (!recipe.serviceUser) return [];
  return [
    recipe.serviceUser === "root" ? "root" : `${escape(recipe.serviceUser)} (its own account)`
  ];
}
async function failureSummary(message, record) {
  if (!runEnvironment().stepSummary) return;
  const failed = record.failedPhase;
  summary.addHeading(
    failed ? `PAKman failed in ${escape(failed)}` : "PAKman failed before it started",
    2
  ).addRaw(`<pre>${escape(message)}</pre>`, true);
  if (record.phases.length) {
    summary.addTable([
      [
        { data: "Phase", header: true },
        { data: "Result", header: true }
      ],
      ...record.phases.map((phase) => [escape(phase), phase === failed ? "failed" : "done"])
    ]);
  }
  const errors = record.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    summary.addHeading("Config errors", 3).addList(errors.map((d) => escape(`${d.line}:${d.column} ${d.message}`)));
  }
  addDiagnostics(record.diagnostics.filter((d) => d.severity !== "error"));
  const { published } = record.progress.delivered;
  if (published.artifactName || published.releaseUrl || published.pagesArtifactId !== void 0)
    addPublished(published);
  else summary.addRaw("<p>Nothing was published.</p>", true);
  await summary.write();
}
function addDelivered({ published, bucket, pushed }) {
  addPublished(published);
  if (bucket) addBucket(bucket);
  if (pushed) addPushed(pushed);
}
function addBucket(bucket) {
  const repositories = bucket.repositories.map((url) => `<code>${escape(url)}</code>`);
  summary.addHeading("Repository in S3", 3).addRaw(
    `<p><a href="${escape(bucket.repositoryUrl)}">${escape(bucket.repositoryUrl)}</a> (<code>${escape(bucket.location)}</code>): ${bucket.uploaded.length} uploaded, ${bucket.skipped.length} unchanged and skipped${bucket.pruned.length ? `, ${bucket.pruned.length} deleted (prune)` : ""}</p>`,
    true
  ).addRaw(`<p>For /etc/apk/repositories: ${repositories.join(", ")}</p>`, true);
  const rows = [
    ...bucket.uploaded.map((name) => [
      `<code>${escape(name)}</code>`,
      bucket.replaced.includes(name) ? "replaced (overwrite)" : "uploaded"
    ]),
    ...bucket.pruned.map((name) => [`<code>${escape(name)}</code>`, "deleted (prune)"])
  ];
  if (rows.length)
    summary.addDetails(
      "Changes in the bucket",
      `<table><tr><th>Object</th><th>Change</th></tr>${rows.map((r) => `<tr><td>${r[0]}</td><td>${r[1]}</td></tr>`).join("")}</table>`
    );
}
function addPushed(pushed) {
  const deployment = `${escape(String(pushed.deploymentId))} (${pushed.created ? "created" : "already existed"})`;
  summary.addHeading(
    pushed.dryRun ? "Instellar deployment (dry run: nothing was sent)" : "Instellar deployment",
    3
  ).addTable([
    ["Deployment", "Ref", "Commit", "Stack", "Archive", "Configuration"].map((data) => ({
      data,
      header: true
    })),
    [
      deployment,
      `<code>${escape(pushed.ref)}</code>`,
      `<code>${escape(pushed.hash)}</code>`,
      escape(pushed.stack ?? "not set"),
      `<code>${escape(pushed.archivePath)}</code>${pushed.source === "copied" ? " (reused: this commit was deployed before)" : ""}`,
      {
        created: "sent",
        existing: "already there",
        skipped: "none (no kits in instellar.yml)"
      }[pushed.configuration]
    ]
  ]);
  if (pushed.uploads.length) {
    summary.addTable([
      [
        { data: `Uploaded to ${escape(pushed.storage ?? "storage")}`, header: true },
        { data: "Size", header: true }
      ],
      ...pushed.uploads.map((u) => [`<code>${escape(u.key)}</code>`, formatBytes(u.size)])
    ]);
  } else {
    summary.addRaw(
      "<p>Nothing uploaded: the archive of the earlier deployment is reused.</p>",
      true
    );
  }
}
function addPublished(published) {
  const where = [
    published.artifactName && `artifact <code>${escape(published.artifactName)}</code>`,
    published.releaseUrl && `<a href="${escape(published.releaseUrl)}">release</a>`,
    published.pagesArtifactId !== void 0 && `GitHub Pages artifact <code>${PAGES_ARTIFACT}</code> for <a href="${escape(published.repositoryUrl ?? "")}">${escape(published.repositoryUrl ?? "")}</a> (deploy it with actions/deploy-pages)`
  ].filter(Boolean);
  if (where.length) summary.addRaw(`<p>Published: ${where.join(", ")}</p>`, true);
}
function addDiagnostics(diagnostics) {
  const notable = diagnostics.filter((d) => d.severity !== "notice");
  if (notable.length) {
    summary.addHeading("Config warnings", 3).addList(notable.map((d) => escape(`${d.line}:${d.column} ${d.message}`)));
  }
}
function buildCacheCell(cache) {
  if (!cache) return "off";
  const state2 = {
    hit: "hit",
    partial: `partial (from <code>${escape(cache.restoredKey ?? "")}</code>)`,
    miss: "miss"
  }[cache.state];
  const saved = cache.saved ? "saved" : "not saved";
  return `${state2}: <code>${escape(cache.key)}</code>, ${formatBytes(cache.bytes)}${cache.state === "hit" ? "" : `, ${saved}`}`;
}
function list(items) {
  return `<ul>${items.map((item) => `<li><code>${escape(item)}</code></li>`).join("")}</ul>`;
}
function escape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// src/action/main.ts
async function run(state2, record) {
  state2.markMainStarted();
  const inputs = getInputs();
  const reporter = actionReporter(renderSettings(inputs).workspace, record);
  const { progress } = record;
  const delivery = await deliverySettings(inputs, state2.cancelSignal(progress), reporter);
  if (inputs.mode !== "merge" && !inputs.build) {
    const rendered = await render(renderSettings(inputs), reporter);
    setRecipeOutputs(rendered);
    const { recipe, loaded } = rendered;
    return renderSummary(recipe, [...loaded.diagnostics, ...recipe.diagnostics]);
  }
  try {
    if (inputs.mode === "merge") {
      const merged = await merge(mergeSettings(inputs, delivery), reporter, progress);
      await mergeSummary(merged, merged.delivered);
    } else {
      const settings = buildSettings(inputs, state2.recordLeftovers(), delivery, reporter);
      const built = await build(settings, reporter, progress);
      await buildSummary(built, built.delivered);
    }
  } finally {
    setOutputs(progress);
  }
}

// src/action/post.ts
async function cleanUp(state2) {
  try {
    await removeLeftovers(state2.leftovers(), (line) => info(line));
  } catch (error2) {
    warning(`cleanup: ${error2.message}`);
  }
}

// src/action/state.ts
var STOP_WAIT_MS = 5e3;
var RunState = class {
  recorded = { containers: [], scratch: [], keyDir: "" };
  /** Work in flight that a cancelled run stops before it goes (uploads, a push). */
  stoppers = [];
  get isPost() {
    return getState("isPost") === "true";
  }
  markMainStarted() {
    saveState("isPost", "true");
  }
  /** The build's hooks that record what to clean up, here and as state for the post step. */
  recordLeftovers() {
    return recordLeftovers(this.recorded, ({ containers, scratch, keyDir }) => {
      saveState("containers", containers.join("\n"));
      saveState("scratch", scratch.join("\n"));
      saveState("keyDir", keyDir);
    });
  }
  /**
   * A signal a cancelled run aborts: the uploads in flight stop rather than being left open, and
   * stopRunning waits for the delivery the pipeline has under way, if any, to settle.
   */
  cancelSignal(progress) {
    const cancel = new AbortController();
    this.stoppers.push(() => {
      cancel.abort("the run was cancelled");
      return (progress.delivering ?? Promise.resolve()).then(
        () => {
        },
        () => {
        }
      );
    });
    return cancel.signal;
  }
  /** A cancelled main step: stops the work in flight, waiting a few seconds at most. */
  async stopRunning() {
    const waited = new Promise((resolve2) => setTimeout(resolve2, STOP_WAIT_MS).unref());
    await Promise.race([Promise.allSettled(this.stoppers.map((stop) => stop())), waited]);
  }
  /** In the main step: what this process recorded. In the post step: what the main step saved. */
  leftovers() {
    const { containers, scratch, keyDir } = this.recorded;
    if (containers.length || keyDir || scratch.length)
      return { containers: [...containers], keyDir, scratch: [...scratch] };
    return {
      containers: getState("containers").split("\n").filter(Boolean),
      keyDir: getState("keyDir"),
      scratch: getState("scratch").split("\n").filter(Boolean)
    };
  }
};

// src/bin/action.ts
var state = new RunState();
if (state.isPost) {
  await cleanUp(state);
} else {
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      error(`cancelled (${signal}); cleaning up`);
      void state.stopRunning().then(() => cleanUp(state)).finally(() => process.exit(signal === "SIGTERM" ? 143 : 130));
    });
  }
  const record = newRunRecord();
  try {
    await run(state, record);
  } catch (error2) {
    const message = error2 instanceof Error ? error2.message : String(error2);
    setFailed(message);
    await failureSummary(message, record).catch(
      (failure) => warning(`the job summary was not written: ${String(failure)}`)
    );
  }
}

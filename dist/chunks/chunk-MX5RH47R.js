import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DEFAULT_CONFIG,
  MAX_CONTROL_BYTES,
  MAX_INDEX_BYTES,
  MAX_SBOM_BYTES,
  SBOM_DIR,
  STACK_FORM,
  STACK_PATTERN,
  buildIdentity,
  byPosition,
  checkPaths,
  checkS3Settings,
  checkSignatures,
  claimOutputDir,
  configLabel,
  defaultArtifactName,
  defaultKeyName,
  dependencyName,
  downloadBuildArtifacts,
  emptyOutputDir,
  fileText,
  findLockfiles,
  formatBytes,
  gitInWorkspace,
  hasErrors,
  list,
  listEntry,
  loadConfigFile,
  mergeRepositories,
  parseRepository,
  planRecipe,
  prepareSigningKey,
  publicKeyFileName,
  publish,
  publishDirectory,
  publishS3,
  readConfig,
  readHead,
  readIndex,
  readPrivateKey,
  removeSigningKey,
  renderRecipeStage,
  repositoryAssets,
  resignFiles,
  resolveContext,
  secondsSince,
  sh,
  signatureEntryName,
  signatureTypes,
  singleQuoted,
  stackSlug,
  stageOutput,
  trustedKeys,
  uploadPagesArtifact,
  word,
  writeSite,
  writeSubjectChecksums
} from "./chunk-BZOD6BNK.js";

// src/github/context.ts
function runEnvironment(env = process.env) {
  return {
    repository: env.GITHUB_REPOSITORY,
    runNumber: env.GITHUB_RUN_NUMBER,
    ref: env.GITHUB_REF,
    apiUrl: env.GITHUB_API_URL,
    stepSummary: env.GITHUB_STEP_SUMMARY,
    runnerTemp: env.RUNNER_TEMP,
    sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    abuildPrivateKey: env.ABUILD_PRIVATE_KEY,
    abuildPublicKey: env.ABUILD_PUBLIC_KEY,
    docker: env.PAKMAN_DOCKER,
    cacheHome: env.XDG_CACHE_HOME
  };
}

// src/pipeline/render.ts
async function check(settings, option) {
  const loaded = await loadConfigFile(settings.configFile);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const context = await resolveContext(contextOptions(settings, option));
  const planned = await planRecipe(settings.workspace, loaded, context);
  const diagnostics = [...loaded.diagnostics, ...planned.diagnostics].sort(byPosition);
  return { ok: !hasErrors(diagnostics), diagnostics };
}
async function render(settings, reporter) {
  const label = configLabel(settings.workspace, settings.configFile);
  const loaded = await reporter.group(
    `Read ${label}`,
    () => readConfig(settings.configFile, label, (list2) => reporter.diagnostics(list2))
  );
  const written = await reporter.group(
    "Render the recipe",
    () => renderRecipeStage(
      loaded,
      {
        ...contextOptions(settings, reporter.option),
        configLabel: label,
        ...settings.arch && { arch: settings.arch }
      },
      reporter
    )
  );
  return { configLabel: label, loaded, recipe: written.recipe, recipeDir: written.dir };
}
function contextOptions(settings, option) {
  return {
    workspace: settings.workspace,
    ...settings.repository && { repository: settings.repository },
    ...settings.version && { version: settings.version },
    ...settings.buildNumber && { buildNumber: settings.buildNumber },
    run: runEnvironment(),
    option,
    ...settings.sbom === false && { sbom: false }
  };
}

// src/pipeline/runs.ts
import { stat as stat5 } from "node:fs/promises";
import { resolve } from "node:path";

// src/pipeline/build.ts
import { readFile as readFile4, stat as stat4 } from "node:fs/promises";
import { freemem } from "node:os";
import { join as join10 } from "node:path";

// src/abuild/index.ts
import { join as join7 } from "node:path";

// src/container/docker.ts
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
var DockerError = class extends Error {
  name = "DockerError";
};
var Docker = class {
  constructor(binary = runEnvironment().docker ?? "docker") {
    this.binary = binary;
  }
  binary;
  /** Fails with a clear message when docker is missing or the daemon does not answer. */
  async ensureAvailable() {
    let result;
    try {
      result = await this.capture(["version", "--format", "{{.Server.Version}}"]);
    } catch (error) {
      if (error.code === "ENOENT") {
        throw new DockerError(
          `docker is not installed (no ${this.binary} on PATH); PAKman builds packages in a Docker container`
        );
      }
      throw error;
    }
    if (result.code !== 0) {
      const reason = lastLine(result.stderr) || "no answer";
      throw new DockerError(`the Docker daemon is not reachable: ${reason}`);
    }
  }
  /** The image's ID (a content digest), or undefined when it is not present locally. */
  async imageId(reference) {
    const result = await this.capture(["image", "inspect", "--format", "{{.Id}}", reference]);
    return result.code === 0 ? result.stdout.trim() : void 0;
  }
  async pull(reference, platform) {
    await this.check(["pull", "--quiet", ...platform ? ["--platform", platform] : [], reference]);
  }
  async tag(source, target) {
    await this.check(["tag", source, target]);
  }
  /** Runs a container to completion and returns its exit code; the container is always removed. */
  async run(spec) {
    const args = [
      "run",
      "--rm",
      "--name",
      spec.name,
      ...runOptions(spec),
      spec.image,
      ...spec.command
    ];
    return this.stream(args, spec.onLine, spec.input);
  }
  /** Runs a container and keeps it (for commit); returns its exit code. */
  async runToCommit(spec) {
    const args = ["run", "--name", spec.name, ...runOptions(spec), spec.image, ...spec.command];
    return this.stream(args, spec.onLine);
  }
  async commit(container, image, changes = []) {
    const result = await this.check([
      "commit",
      ...changes.flatMap((c) => ["--change", c]),
      container,
      image
    ]);
    return result.stdout.trim();
  }
  /** Removes a container if it exists; never throws (used on every exit path). */
  async removeContainer(name) {
    const result = await this.capture(["rm", "--force", "--volumes", name]).catch(() => void 0);
    return result?.code === 0;
  }
  /** Writes `docker save` of an image to a file through a compressor command (e.g. zstd). */
  async saveImage(image, file, compressor) {
    const save = this.spawn(["save", image]);
    save.stdin.end();
    const compress = spawn(compressor[0], compressor.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    await settlePiped(
      [
        { child: save, failure: `docker save ${image} failed` },
        { child: compress, failure: `${compressor[0]} failed` }
      ],
      [
        pipeline(save.stdout, compress.stdin),
        pipeline(compress.stdout, createWriteStream(file, { mode: 384 }))
      ]
    );
  }
  /** `docker load` from a file through a decompressor; returns the image reference loaded. */
  async loadImage(file, decompressor) {
    const decompress = spawn(decompressor[0], decompressor.slice(1), {
      stdio: ["pipe", "pipe", "pipe"]
    });
    const load = this.spawn(["load"]);
    const loadOut = collect(load.stdout);
    await settlePiped(
      [
        { child: decompress, failure: `${decompressor[0]} could not read ${file}` },
        { child: load, failure: "docker load failed" }
      ],
      [
        pipeline(createReadStream(file), decompress.stdin),
        pipeline(decompress.stdout, load.stdin)
      ]
    );
    const out = await loadOut;
    const loaded = /Loaded image(?: ID)?: (\S+)/.exec(out)?.[1];
    if (!loaded) throw new DockerError(`docker load printed no image: ${lastLine(out)}`);
    return loaded;
  }
  async removeImage(image) {
    await this.capture(["image", "rm", "--force", image]).catch(() => void 0);
  }
  spawn(args) {
    return spawn(this.binary, args, { stdio: ["pipe", "pipe", "pipe"] });
  }
  async stream(args, onLine, input) {
    const child = this.spawn(args);
    if (input) {
      child.stdin.on("error", () => void 0);
      input.pipe(child.stdin);
    } else child.stdin.end();
    const split = (stream) => {
      let pending = "";
      child[stream].setEncoding("utf8");
      child[stream].on("data", (chunk) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop();
        for (const line of lines) onLine?.(line, stream);
      });
      child[stream].on("end", () => {
        if (pending) onLine?.(pending, stream);
      });
    };
    split("stdout");
    split("stderr");
    return exitCode(child);
  }
  async capture(args) {
    const child = this.spawn(args);
    child.stdin.end();
    const [code, stdout, stderr] = await Promise.all([
      exitCode(child),
      collect(child.stdout),
      collect(child.stderr)
    ]);
    return { code, stdout, stderr };
  }
  async check(args) {
    const result = await this.capture(args);
    if (result.code !== 0)
      throw new DockerError(
        `docker ${args[0]} failed: ${lastLine(result.stderr) || `exit ${result.code}`}`
      );
    return result;
  }
};
function runOptions(spec) {
  const args = [];
  for (const m of spec.mounts ?? []) {
    const fields = ["type=bind", csvField(`source=${m.source}`), csvField(`target=${m.target}`)];
    args.push("--mount", [...fields, ...m.readOnly ? ["readonly"] : []].join(","));
  }
  for (const [key, value] of Object.entries(spec.env ?? {})) args.push("--env", `${key}=${value}`);
  if (spec.user) args.push("--user", spec.user);
  if (spec.workdir) args.push("--workdir", spec.workdir);
  if (spec.platform) args.push("--platform", spec.platform);
  if (spec.network === "none") args.push("--network", "none");
  if (spec.input) args.push("--interactive");
  for (const t of spec.tmpfs ?? []) args.push("--tmpfs", `${t.target}:exec,size=${t.bytes}`);
  return args;
}
function csvField(field) {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
async function settlePiped(stages, pipes) {
  const stderr = stages.map((stage) => collect(stage.child.stderr));
  const failures = [];
  const fail = (error, own) => {
    failures.push({ error, own });
    for (const { child } of stages) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  };
  await Promise.all([
    ...stages.map(async (stage, i) => {
      let code;
      try {
        code = await exitCode(stage.child);
      } catch (error) {
        fail(new DockerError(`${stage.failure}: ${error.message}`), true);
        return;
      }
      if (code === 0) return;
      const reason = lastLine(await stderr[i]) || `exit ${code}`;
      fail(new DockerError(`${stage.failure}: ${reason}`), stage.child.signalCode === null);
    }),
    ...pipes.map(
      (piped) => piped.catch((error) => fail(new DockerError(`a pipe broke: ${error.message}`), false))
    )
  ]);
  const echo = (f) => /broken pipe|EPIPE|connection reset by peer/i.test(f.error.message);
  const first = failures.find((f) => f.own && !echo(f)) ?? failures.find((f) => f.own) ?? failures[0];
  if (first) throw first.error;
}
function exitCode(child) {
  return new Promise((resolve2, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve2(code ?? (signal ? 128 : 1)));
  });
}
function collect(stream) {
  return new Promise((resolve2) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => text += chunk);
    stream.on("end", () => resolve2(text));
    stream.on("error", () => resolve2(text));
  });
}
function lastLine(text) {
  return text.trim().split("\n").at(-1)?.trim() ?? "";
}

// src/container/script.ts
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var SCRIPT_DIR = "/pakman/scripts";
async function runScript(context, run, then) {
  const dir = await mkdtemp(join(tmpdir(), `${run.prefix}-`));
  const name = `${run.prefix}-${randomBytes(6).toString("hex")}`;
  const tail = [];
  let removed = false;
  try {
    await writeFile(join(dir, "script.sh"), run.script, { mode: 493 });
    for (const [file, content] of Object.entries(run.files ?? {}))
      await writeFile(join(dir, file), content, { mode: 420 });
    context.onContainer?.(name, dir);
    const spec = {
      image: run.image,
      name,
      command: ["/bin/sh", `${SCRIPT_DIR}/script.sh`],
      mounts: [...run.mounts ?? [], { source: dir, target: SCRIPT_DIR, readOnly: true }],
      ...run.env && { env: run.env },
      ...run.input && { input: run.input },
      ...run.tmpfs && { tmpfs: run.tmpfs },
      ...context.platform && { platform: context.platform },
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 25) tail.shift();
        context.log(line);
      }
    };
    const { docker } = context;
    const code = await (run.keep ? docker.runToCommit(spec) : docker.run(spec));
    removed = !run.keep && code < 125;
    const result = { code, tail };
    await then?.(name, result);
    return result;
  } finally {
    if (!removed) await context.docker.removeContainer(name);
    await rm(dir, { recursive: true, force: true });
  }
}

// src/build-cache/index.ts
import { lstat, mkdir as mkdir3, readdir as readdir2, rm as rm4 } from "node:fs/promises";
import { join as join5 } from "node:path";

// src/build-cache/key.ts
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join as join2 } from "node:path";
var BUILD_CACHE_VERSION = 1;
async function buildCacheKey(request) {
  const builds = digest(
    JSON.stringify({
      version: BUILD_CACHE_VERSION,
      packages: [...new Set(request.packages)].sort(),
      package: request.packageName,
      paths: [...request.sourcePaths].sort()
    })
  ).slice(0, 12);
  const lockfiles = await findLockfiles(request.workspace, new Set(request.sourcePaths));
  const hash = createHash("sha256");
  for (const file of lockfiles) {
    hash.update(`${file}\0${digest(await readFile(join2(request.workspace, file)))}
`);
  }
  const restorePrefix = `pakman-build-${request.label}-${builds}-`;
  return { key: restorePrefix + hash.digest("hex").slice(0, 16), restorePrefix, lockfiles };
}
function digest(data) {
  return createHash("sha256").update(data).digest("hex");
}

// src/build-cache/store.ts
import { execFile } from "node:child_process";
import { mkdir as mkdir2, mkdtemp as mkdtemp2, readdir, rename as rename2, rm as rm3, stat as stat2 } from "node:fs/promises";
import { tmpdir as tmpdir3 } from "node:os";
import { join as join4 } from "node:path";
import { promisify } from "node:util";

// src/environment/index.ts
import { createHash as createHash2 } from "node:crypto";
import { rm as rm2 } from "node:fs/promises";

// src/environment/script.ts
function environmentScript(packages) {
  return fileText(sh`
#!/bin/sh
# Installs the build environment's packages that the image does not have yet.
set -eu
set -f # package names may hold version rules such as nodejs>=20; never glob them

missing=""
for package in ${list(packages.map(singleQuoted))}; do
	if ! apk info -e "$package" >/dev/null 2>&1; then
		missing="$missing $package"
	fi
done

if [ -z "$missing" ]; then
	echo "all packages are present"
	exit 0
fi
echo "installing:$missing"
# shellcheck disable=SC2086 # one word per package
apk add --no-cache $missing
`);
}

// src/environment/cache.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { copyFile, mkdir, rename, stat } from "node:fs/promises";
import { homedir, tmpdir as tmpdir2 } from "node:os";
import { dirname, join as join3 } from "node:path";
function localCacheDir() {
  return join3(runEnvironment().cacheHome ?? join3(homedir(), ".cache"), "pakman");
}
var DirectoryCache = class {
  constructor(dir = localCacheDir()) {
    this.dir = dir;
    this.description = `directory ${dir}`;
  }
  dir;
  description;
  /** A path of its own for each run, so builds running at once on one machine never share it. */
  archivePath() {
    return join3(tmpdir2(), `pakman-environment-${randomBytes2(6).toString("hex")}.tar.zst`);
  }
  async restore(key, file) {
    const entry = this.entry(key);
    try {
      await stat(entry);
    } catch {
      return { hit: false };
    }
    await mkdir(dirname(file), { recursive: true });
    await copyFile(entry, file);
    return { hit: true };
  }
  async save(key, file) {
    await mkdir(this.dir, { recursive: true, mode: 448 });
    const entry = this.entry(key);
    const partial = `${entry}.partial-${process.pid}`;
    await copyFile(file, partial);
    await rename(partial, entry);
    return { saved: true, bytes: (await stat(entry)).size };
  }
  entry(key) {
    return join3(this.dir, `${key}.tar.zst`);
  }
};
var ActionsCache = class {
  description = "GitHub Actions cache";
  /** Always the same: @actions/cache versions entries by the exact paths given. */
  archivePath() {
    return join3(tmpdir2(), "pakman-environment.tar.zst");
  }
  async restore(key, file) {
    const restored = await restoreFromActionsCache(file, key);
    return { hit: restored.matched === key, ...restored.reason && { reason: restored.reason } };
  }
  async save(key, file) {
    const saved = await saveToActionsCache(file, key);
    return saved.saved ? { saved: true, bytes: (await stat(file)).size } : saved;
  }
};
async function restoreFromActionsCache(path, key, restoreKeys = []) {
  const cache = await import("./cache-6UCWGP7F.js");
  if (!cache.isFeatureAvailable()) return {};
  try {
    const matched = await cache.restoreCache([path], key, restoreKeys);
    return matched ? { matched } : {};
  } catch (error) {
    return { reason: error.message };
  }
}
async function saveToActionsCache(path, key) {
  const cache = await import("./cache-6UCWGP7F.js");
  if (!cache.isFeatureAvailable())
    return { saved: false, reason: "the Actions cache service is not available to this job" };
  try {
    const id = await cache.saveCache([path], key);
    return id === -1 ? { saved: false, reason: "the cache service did not accept the entry (see the log above)" } : { saved: true };
  } catch (error) {
    return { saved: false, reason: error.message };
  }
}

// src/environment/arch.ts
import { readFile as readFile2 } from "node:fs/promises";
var PLATFORMS = {
  x86_64: { platform: "linux/amd64", qemu: "qemu-x86_64" },
  x86: { platform: "linux/386", qemu: "qemu-i386" },
  aarch64: { platform: "linux/arm64", qemu: "qemu-aarch64" },
  armv7: { platform: "linux/arm/v7", qemu: "qemu-arm" },
  armhf: { platform: "linux/arm/v6", qemu: "qemu-arm" },
  ppc64le: { platform: "linux/ppc64le", qemu: "qemu-ppc64le" },
  s390x: { platform: "linux/s390x", qemu: "qemu-s390x" },
  riscv64: { platform: "linux/riscv64", qemu: "qemu-riscv64" },
  loongarch64: { platform: "linux/loong64", qemu: "qemu-loongarch64" }
};
function isBuildArchitecture(value) {
  return Object.hasOwn(PLATFORMS, value);
}
function hostArchitecture(nodeArch = process.arch) {
  const map = {
    x64: "x86_64",
    arm64: "aarch64",
    ia32: "x86",
    arm: "armv7",
    ppc64: "ppc64le",
    s390x: "s390x",
    riscv64: "riscv64",
    loong64: "loongarch64"
  };
  const arch = map[nodeArch];
  if (!arch) throw new Error(`this runner's architecture (${nodeArch}) has no Alpine equivalent`);
  return arch;
}
async function planArchitecture(arch, host = hostArchitecture(), binfmtDir = "/proc/sys/fs/binfmt_misc") {
  const { platform, qemu } = PLATFORMS[arch];
  const native = arch === host || host === "x86_64" && arch === "x86" || host === "aarch64" && arch === "armv7";
  if (native) return { arch, platform, emulated: false };
  const registered = await readFile2(`${binfmtDir}/${qemu}`, "utf8").then(
    (entry) => !entry.startsWith("disabled"),
    () => false
  );
  if (!registered) {
    throw new Error(
      `cannot build ${arch} on this ${host} machine: it has no QEMU handler for ${arch} (${binfmtDir}/${qemu}). Build on a native ${arch} machine (on GitHub, runs-on: ubuntu-24.04-arm for aarch64), or register QEMU handlers to build under emulation (in a workflow, docker/setup-qemu-action before PAKman; elsewhere, qemu-user-static and binfmt-support)`
    );
  }
  return { arch, platform, emulated: true };
}

// src/environment/target.ts
async function targetArchitecture(arch, option) {
  const wanted = arch ?? hostArchitecture();
  if (!isBuildArchitecture(wanted))
    throw new Error(
      `${wanted} (${option("arch")}) is not an Alpine architecture (x86_64, aarch64, \u2026)`
    );
  const plan = await planArchitecture(wanted);
  return { arch: plan.arch, ...plan.emulated && { platform: plan.platform } };
}
function buildTarget(architecture, settings, config, option) {
  const stack = settings.stack ?? config.stack;
  if (!stack && !settings.image) {
    throw new Error(
      `no stack: set stack: alpine/3.x in ${config.label}, or pass ${option("stack")} or ${option("image")}`
    );
  }
  if (stack && !STACK_PATTERN.test(stack))
    throw new Error(`stack ${stack} must look like ${STACK_FORM}`);
  const name = stack ?? settings.image;
  return {
    ...architecture,
    stack: name,
    baseImage: settings.image ?? `alpine:${stack.slice("alpine/".length)}`,
    label: `${stackSlug(name)}-${architecture.arch}`
  };
}
function environmentDependencies(dependencies, packageName) {
  const { build: build2, runtime } = dependencies;
  const own = /* @__PURE__ */ new Set([packageName, `${packageName}-openrc`]);
  return [...build2, ...runtime].filter((d) => !d.startsWith("!") && !own.has(dependencyName(d)));
}

// src/environment/index.ts
var ENVIRONMENT_RECIPE_VERSION = 1;
var BASE_PACKAGES = ["alpine-sdk", "pigz"];
function environmentPackages(packages) {
  return [.../* @__PURE__ */ new Set([...BASE_PACKAGES, ...packages])].sort();
}
function environmentKey(baseImageId, packages, label) {
  const digest2 = createHash2("sha256").update(
    JSON.stringify({
      base: baseImageId,
      packages: environmentPackages(packages),
      recipe: ENVIRONMENT_RECIPE_VERSION
    })
  ).digest("hex");
  return `pakman-env-${label}-${digest2.slice(0, 24)}`;
}
function environmentImage(key) {
  return `pakman/environment:${key.slice(-24)}`;
}
async function prepareEnvironment(request) {
  const { docker, reporter } = request;
  let baseId = await docker.imageId(request.baseImage);
  if (!baseId) {
    reporter.info(`pulling ${request.baseImage}`);
    try {
      await docker.pull(request.baseImage, request.platform);
    } catch (error) {
      throw new Error(
        `cannot pull the base image ${request.baseImage}: ${error.message.trim()}
Give an image this machine can reach or already has with ${reporter.option("image")} (a mirror, a private registry, a prepared image)`,
        { cause: error }
      );
    }
    baseId = await docker.imageId(request.baseImage);
    if (!baseId)
      throw new Error(`the base image ${request.baseImage} is not available after pulling it`);
  }
  const key = environmentKey(baseId, request.packages, request.label);
  const image = environmentImage(key);
  if (await docker.imageId(image)) {
    reporter.info(`environment ${image} is already in Docker`);
    return { image, key, source: "local" };
  }
  const archive = request.cache?.archivePath();
  if (request.cache && archive) {
    const restored = await request.cache.restore(key, archive);
    if (restored.reason)
      reporter.warning(
        `could not read the environment from the ${request.cache.description}: ${restored.reason}`
      );
    if (restored.hit) {
      try {
        const loaded = await docker.loadImage(archive, ["zstd", "-d", "-q", "-c"]);
        if (loaded !== image) await docker.tag(loaded, image);
        reporter.info(`environment ${image} restored from the ${request.cache.description}`);
        return { image, key, source: "cache" };
      } catch (error) {
        reporter.warning(
          `the cached environment ${key} is unusable (${error.message}); building it again`
        );
      } finally {
        await rm2(archive, { force: true });
      }
    }
  }
  await buildEnvironment(request, image);
  const environment = { image, key, source: "built" };
  if (request.cache && archive) {
    try {
      await docker.saveImage(image, archive, ["zstd", "-T0", "-3", "-q", "-c"]);
      const saved = await request.cache.save(key, archive);
      if (saved.saved) {
        environment.archiveBytes = saved.bytes;
        reporter.info(
          `environment saved to the ${request.cache.description} (${saved.bytes} bytes)`
        );
      } else reporter.warning(`the environment was not cached: ${saved.reason}`);
    } catch (error) {
      reporter.warning(`the environment was not cached: ${error.message}`);
    } finally {
      await rm2(archive, { force: true });
    }
  }
  return environment;
}
async function buildEnvironment(request, image) {
  request.reporter.info(`building the environment ${image} from ${request.baseImage}`);
  const packages = environmentPackages(request.packages).map(listEntry);
  await runScript(
    request,
    {
      image: request.baseImage,
      prefix: "pakman-env",
      script: environmentScript(packages),
      keep: true
    },
    async (container, { code }) => {
      if (code !== 0)
        throw new Error(`installing the build environment failed (exit ${code}); see the log above`);
      await request.docker.commit(container, image, [
        "LABEL org.opencontainers.image.title=pakman-environment"
      ]);
    }
  );
}

// src/build-cache/store.ts
var KEPT_PER_PREFIX = 3;
var DirectoryBuildCache = class {
  constructor(dir = join4(localCacheDir(), "build")) {
    this.dir = dir;
    this.description = `directory ${this.dir}`;
  }
  dir;
  description;
  /** A directory of its own per run, so builds running at once on one machine never share it. */
  workDir() {
    return mkdtemp2(join4(tmpdir3(), "pakman-build-cache-"));
  }
  async restore(dir, key, prefix) {
    const entries = await this.entries(prefix);
    const entry = entries.find((e) => e.key === key) ?? entries[0];
    if (!entry) return {};
    try {
      await tar(["--zstd", "-xf", entry.file, "-C", dir]);
      return { matched: entry.key };
    } catch (error) {
      return { reason: `${entry.file}: ${error.message}` };
    }
  }
  async save(dir, key) {
    await mkdir2(this.dir, { recursive: true, mode: 448 });
    const file = join4(this.dir, `${key}.tar.zst`);
    const partial = `${file}.partial-${process.pid}`;
    try {
      await tar(["--zstd", "-cf", partial, "-C", dir, "."]);
      await rename2(partial, file);
    } catch (error) {
      await rm3(partial, { force: true });
      return { saved: false, reason: error.message };
    }
    const prefix = key.slice(0, key.lastIndexOf("-") + 1);
    for (const old of (await this.entries(prefix)).slice(KEPT_PER_PREFIX))
      await rm3(old.file, { force: true });
    return { saved: true };
  }
  /** The entries whose key starts with `prefix`, newest first. */
  async entries(prefix) {
    const names = await readdir(this.dir).catch(() => []);
    const found = [];
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(".tar.zst")) continue;
      const file = join4(this.dir, name);
      const info = await stat2(file).catch(() => void 0);
      if (info) found.push({ key: name.slice(0, -".tar.zst".length), file, mtime: info.mtimeMs });
    }
    return found.sort((a, b) => b.mtime - a.mtime);
  }
};
var ActionsBuildCache = class {
  /** `tempDir`: RUNNER_TEMP, whose path is the same in every run of a job. */
  constructor(tempDir) {
    this.tempDir = tempDir;
  }
  tempDir;
  description = "GitHub Actions cache";
  /** Always the same path: @actions/cache versions entries by the exact paths given. */
  async workDir() {
    const dir = join4(this.tempDir, "pakman-build-cache");
    await removeTree(dir);
    await mkdir2(dir, { recursive: true });
    return dir;
  }
  restore(dir, key, prefix) {
    return restoreFromActionsCache(dir, key, [prefix]);
  }
  save(dir, key) {
    return saveToActionsCache(dir, key);
  }
};
async function tar(args) {
  try {
    await promisify(execFile)("tar", args, { maxBuffer: 1 << 20 });
  } catch (error) {
    const failure = error;
    throw new Error(`tar failed: ${failure.stderr?.trim().split("\n").pop() || failure.message}`, {
      cause: error
    });
  }
}
async function removeTree(dir) {
  try {
    await rm3(dir, { recursive: true, force: true });
  } catch {
    await promisify(execFile)("chmod", ["-R", "u+w", dir]).catch(() => {
    });
    await rm3(dir, { recursive: true, force: true });
  }
}

// src/build-cache/tools.ts
var HOME_CACHE_DIRS = [
  ".npm",
  // npm's content cache and npx
  ".cache/yarn",
  // yarn 1
  ".yarn/berry/cache",
  // yarn 2+ global cache
  ".local/share/pnpm/store",
  // pnpm's store (XDG data home)
  ".cache/pnpm",
  // pnpm's metadata
  ".bun/install/cache",
  ".cache/node-gyp",
  // headers for native modules
  ".bundle/cache",
  // Bundler's global cache (not ~/.bundle/config)
  ".gem/ruby",
  // gems installed for the user (not ~/.gem/credentials)
  ".gem/specs",
  ".local/share/gem",
  ".hex/packages",
  // Hex tarballs (not ~/.hex/hex.config, which holds the API key)
  ".mix/archives",
  // hex and other archives: `mix local.hex` is not repeated
  ".mix/elixir",
  // rebar3 per Elixir version
  ".cache/rebar3",
  "go/pkg/mod",
  // GOMODCACHE
  ".cache/go-build",
  // GOCACHE
  ".cargo/registry/index",
  // Cargo (not ~/.cargo/credentials.toml or config.toml)
  ".cargo/registry/cache",
  ".cargo/git/db",
  ".cache/pip",
  ".cache/pypoetry",
  ".cache/pipenv",
  ".cache/uv",
  ".composer/cache",
  // Composer (not ~/.composer/auth.json)
  ".cache/composer",
  ".ccache",
  // abuild's USE_CCACHE default
  ".cache/ccache",
  // ccache 4's own default
  ".m2/repository",
  // Maven (not ~/.m2/settings.xml)
  ".gradle/caches",
  // Gradle (not ~/.gradle/gradle.properties)
  ".gradle/wrapper"
];
var TOOL_CACHE_VARIABLES = {
  GOCACHE: ".cache/go-build",
  GOMODCACHE: "go/pkg/mod",
  CARGO_HOME: ".cargo"
};
var CREDENTIAL_FILES = /* @__PURE__ */ new Set([
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".netrc",
  ".git-credentials",
  ".pypirc",
  "credentials",
  "credentials.toml",
  "credentials.json",
  "hex.config",
  "auth.json",
  "settings.xml",
  "settings-security.xml",
  "gradle.properties"
]);
function homeCacheParents() {
  const parents = /* @__PURE__ */ new Set();
  for (const dir of HOME_CACHE_DIRS) {
    const parts = dir.split("/");
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join("/"));
  }
  return [...parents].sort();
}

// src/build-cache/settings.ts
function buildCacheSettings(given, store, option) {
  return {
    store,
    sourcePaths: checkSourcePaths(given.paths, option("build-cache-paths")),
    limitBytes: given.limit === void 0 ? DEFAULT_LIMIT : parseSize(given.limit, option("build-cache-limit"))
  };
}
var RESERVED = /* @__PURE__ */ new Set([".git", ".apk", ".pakman"]);
function checkSourcePaths(paths, option) {
  const checked = paths.map((raw) => {
    const path = raw.trim().replace(/\/+$/, "");
    const problem = !path ? "is empty" : path.startsWith("/") ? "is absolute: give a path relative to the workspace" : path.split("/").some((part) => part === ".." || part === "." || part === "") ? "must stay inside the workspace, without . or .. or empty parts" : !/^[A-Za-z0-9_@%+=:,.^-]+(\/[A-Za-z0-9_@%+=:,.^-]+)*$/.test(path) ? "may only hold letters, digits and _ @ % + = : , . ^ - /" : RESERVED.has(path.split("/")[0]) ? `is ${path.split("/")[0]}, which PAKman or git own` : void 0;
    if (problem) throw new Error(`${option}: ${JSON.stringify(raw)} ${problem}`);
    return path;
  });
  for (const path of checked) {
    const outer = checked.find((other) => other !== path && path.startsWith(`${other}/`));
    if (outer) throw new Error(`${option}: ${path} is inside ${outer}, which is kept already`);
  }
  return [...new Set(checked)];
}
var UNITS = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
function parseSize(text, option) {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * UNITS[match[2].toLowerCase()] : NaN;
  if (!Number.isFinite(bytes) || bytes <= 0)
    throw new Error(`${option}: ${JSON.stringify(text)} is not a size such as 4G or 500M`);
  return Math.floor(bytes);
}
var DEFAULT_LIMIT = 4 * 1024 ** 3;

// src/build-cache/index.ts
async function restoreBuildCache(settings, request, reporter) {
  const { store } = settings;
  let dir;
  try {
    const { key, restorePrefix, lockfiles } = await buildCacheKey({
      ...request,
      sourcePaths: settings.sourcePaths
    });
    const from = lockfiles.length ? `the lockfiles ${lockfiles.join(", ")}` : "no lockfile";
    reporter.info(`key ${key}, from ${from}`);
    dir = await store.workDir();
    const restored = await store.restore(dir, key, restorePrefix);
    if (restored.reason)
      reporter.warning(
        `could not restore the build cache from the ${store.description}: ${restored.reason}`
      );
    const state = !restored.matched ? "miss" : restored.matched === key ? "hit" : "partial";
    reporter.info(
      {
        hit: `restored ${key} from the ${store.description}`,
        partial: `restored ${restored.matched} from the ${store.description}; the lockfiles changed since`,
        miss: `no entry in the ${store.description} yet`
      }[state]
    );
    const homeDir = join5(dir, "home");
    const sourceDir = join5(dir, "source");
    await Promise.all(
      [...HOME_CACHE_DIRS.map((path) => join5(homeDir, path)), sourceDir].map(
        (path) => mkdir3(path, { recursive: true })
      )
    );
    return {
      key,
      state,
      ...restored.matched && { restoredKey: restored.matched },
      lockfiles,
      dir,
      homeDir,
      sourceDir,
      sourcePaths: settings.sourcePaths
    };
  } catch (error) {
    if (dir) await removeTree(dir).catch(() => {
    });
    reporter.warning(`the build runs without its build cache: ${error.message}`);
    return void 0;
  }
}
async function saveBuildCache(cache, settings, reporter) {
  const found = await survey(cache.dir);
  if (cache.state === "hit")
    return { bytes: found.bytes, saved: false, reason: "this key was restored", leftOut: [] };
  let bytes = found.bytes;
  const leftOut = [];
  for (const path of found.credentials) {
    const file = join5(cache.dir, path);
    bytes -= (await lstat(file)).size;
    await rm4(file, { force: true });
    leftOut.push(`~/${path.slice("home/".length)}`);
    reporter.warning(
      `left ~/${path.slice("home/".length)} out of the build cache: credentials are never cached`
    );
  }
  if (bytes > settings.limitBytes) {
    const reason = `${formatBytes(bytes)} is over the limit of ${formatBytes(settings.limitBytes)}`;
    reporter.notice(`the build cache was not saved: ${reason}`);
    return { bytes, saved: false, reason, leftOut };
  }
  try {
    const saved = await settings.store.save(cache.dir, cache.key);
    if (saved.saved)
      reporter.info(
        `saved ${cache.key} (${formatBytes(bytes)}) to the ${settings.store.description}`
      );
    else reporter.warning(`the build cache was not saved: ${saved.reason}`);
    return { bytes, leftOut, ...saved };
  } catch (error) {
    reporter.warning(`the build cache was not saved: ${error.message}`);
    return { bytes, saved: false, reason: error.message, leftOut };
  }
}
async function discardBuildCache(cache) {
  await removeTree(cache.dir).catch(() => {
  });
}
async function survey(root) {
  let bytes = 0;
  const credentials = [];
  const visit = async (dir) => {
    const entries = await readdir2(join5(root, dir), { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (entry) => {
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) return visit(path);
        const { size } = await lstat(join5(root, path));
        bytes += size;
        if (path.startsWith("home/") && CREDENTIAL_FILES.has(entry.name)) credentials.push(path);
      })
    );
  };
  await visit("");
  return { bytes, credentials: credentials.sort() };
}

// src/abuild/scripts.ts
var CONTAINER_PATHS = {
  workspace: word("/pakman/workspace"),
  packages: word("/pakman/packages"),
  keys: word("/pakman/keys"),
  /** The recipe directory mounted again on its own, so building never has to traverse the workspace. */
  recipes: word("/pakman/recipes"),
  scripts: word(SCRIPT_DIR)
};
var PHASE_MARKER = word("pakman-phase:");
var BUILD_HOME = word("/pakman/home");
var CACHED_SOURCE = word("/pakman/cache/source");
function buildScript() {
  return fileText(sh`
#!/bin/sh
# PAKman build: runs as root, builds as an unprivileged user.
# In: PAKMAN_UID PAKMAN_GID (the build user) PAKMAN_OWNER (uid:gid that gets the files)
#     PAKMAN_RECIPE PAKMAN_SNAPSHOT PAKMAN_KEY_NAME SOURCE_DATE_EPOCH
#     with the build cache: PAKMAN_HOME_CACHES (its mounts under the home) PAKMAN_HOME_PARENTS
#     (the directories above them) PAKMAN_CACHE_PATHS (build-cache-paths), each space-separated;
#     PAKMAN_CACHE_SAVE (non-empty when the build cache is to be saved)
set -eu

phase() {
	echo "${PHASE_MARKER}$1"
}

name_of() { # file id: the name of the first entry with that numeric id
	awk -F: -v id="$2" '$3 == id { print $1; exit }' "$1"
}

free_name() { # file base: base, or base2, base3 ... whichever name the file does not have yet
	candidate="$2"
	n=1
	while awk -F: -v name="$candidate" '$1 == name { found = 1 } END { exit !found }' "$1"; do
		n=$((n + 1))
		candidate="$2$n"
	done
	echo "$candidate"
}

phase setup
# Images may already have these ids or these names (custom images often have a builder user):
# ids that exist are used under their names, and new entries get names no one has.
group="$(name_of /etc/group "$PAKMAN_GID")"
if [ -z "$group" ]; then
	group="$(free_name /etc/group builder)"
	addgroup -g "$PAKMAN_GID" "$group"
fi
user="$(name_of /etc/passwd "$PAKMAN_UID")"
if [ -z "$user" ]; then
	user="$(free_name /etc/passwd builder)"
	adduser -D -H -h ${BUILD_HOME} -s /bin/sh -G "$group" -u "$PAKMAN_UID" "$user"
fi
# abuild-sudo (abuild deps) serves members of group abuild only; adding a member twice is a no-op.
grep -q '^abuild:' /etc/group || addgroup -S abuild
addgroup "$user" abuild
echo "building as $user ($PAKMAN_UID:$PAKMAN_GID)"

mkdir -p ${BUILD_HOME}/.abuild /etc/apk/keys
cat >${BUILD_HOME}/.abuild/abuild.conf <<CONF
PACKAGER_PRIVKEY="${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa"
REPODEST="${CONTAINER_PATHS.packages}"
CONF
if [ -n "\${PAKMAN_CACHE_PATHS:-}" ]; then
	# abuild removes the unpacked source after a build; PAKman keeps build-cache-paths from it
	# first, then removes it itself.
	cat >>${BUILD_HOME}/.abuild/abuild.conf <<'CONF'
CLEANUP="$(printf '%s\n' $CLEANUP | grep -vx srcdir | tr '\n' ' ')"
CONF
fi
cp "${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/

recipe="${CONTAINER_PATHS.recipes}/\${PAKMAN_RECIPE#.apk/}"
# The recipe directory and the output are PAKman's: the build user writes them. The home itself
# is not walked: the build cache is mounted into it.
chown "$PAKMAN_UID:$PAKMAN_GID" ${BUILD_HOME}
chown -R "$PAKMAN_UID:$PAKMAN_GID" ${BUILD_HOME}/.abuild "$recipe" "${CONTAINER_PATHS.packages}"
# The build cache: Docker made the directories above its mounts as root; what was restored may
# carry another machine's ids. One walk over all of it changes only what is not the build user's.
for dir in \${PAKMAN_HOME_PARENTS:-}; do
	chown "$PAKMAN_UID:$PAKMAN_GID" "${BUILD_HOME}/$dir"
done
set --
for dir in \${PAKMAN_HOME_CACHES:-}; do
	set -- "$@" "${BUILD_HOME}/$dir"
done
if [ "$#" -gt 0 ]; then
	find "$@" ${CACHED_SOURCE} ! -user "$PAKMAN_UID" -exec chown -h "$PAKMAN_UID:$PAKMAN_GID" {} +
fi

as_builder() { # command, run in the recipe directory
	# -p keeps the environment (HOME, SOURCE_DATE_EPOCH); -s: the user's own shell may be nologin.
	HOME=${BUILD_HOME} USER="$user" LOGNAME="$user" su -p -s /bin/sh "$user" -c "cd '$recipe' && $1"
}

status=0
phase snapshot
# The recipe's snapshot() in two hands: abuild must not run as root, and the build user may not
# be able to read the workspace (a root-owned checkout, a 0700 directory), so root packs it, as
# snapshot() would, and the build user does the rest. Root runs tar here; the app's own shell (the
# APKBUILD, with the config's source: block) is sourced by abuild, as the build user only.
# .pakman holds PAKman's output (the CLI's default packages directory): never part of the source.
# The build cache's in-tree paths are packed with it, where the workspace has none of its own.
set --
for path in \${PAKMAN_CACHE_PATHS:-}; do
	if [ ! -e "${CONTAINER_PATHS.workspace}/$path" ] && [ -e "${CACHED_SOURCE}/$path" ]; then
		set -- "$@" "$path"
	fi
done
if [ "$#" -eq 0 ]; then
	(cd "${CONTAINER_PATHS.workspace}" && tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" .) || status=$?
elif tar --version 2>/dev/null | grep -q GNU; then
	echo "restoring $* from the build cache"
	tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" \
		-C "${CONTAINER_PATHS.workspace}" . -C ${CACHED_SOURCE} "$@" || status=$?
else
	echo "build-cache-paths not restored: the environment's tar is not GNU tar (abuild brings it)"
	(cd "${CONTAINER_PATHS.workspace}" && tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" .) || status=$?
fi
if [ "$status" -eq 0 ]; then
	chown "$PAKMAN_UID:$PAKMAN_GID" "$recipe/$PAKMAN_SNAPSHOT"
	as_builder "abuild clean && abuild deps && abuild checksum" || status=$?
fi
if [ "$status" -eq 0 ]; then
	phase build
	as_builder "abuild -r" || status=$?
fi

if [ "$status" -eq 0 ] && [ -n "\${PAKMAN_CACHE_PATHS:-}" ]; then
	phase cache
	# What build.command left at build-cache-paths, moved into the build cache when it is to be
	# saved (not after an exact hit); then the unpacked source goes, as abuild would remove it.
	if [ -n "\${PAKMAN_CACHE_SAVE:-}" ]; then
		for path in $PAKMAN_CACHE_PATHS; do
			rm -rf "${CACHED_SOURCE}/$path"
			if [ -e "$recipe/src/$path" ]; then
				mkdir -p "$(dirname "${CACHED_SOURCE}/$path")"
				mv "$recipe/src/$path" "${CACHED_SOURCE}/$path"
			fi
		done
		find ${CACHED_SOURCE} -user 0 -exec chown "$PAKMAN_UID:$PAKMAN_GID" {} +
	fi
	rm -rf "$recipe/src"
fi

phase finish
chown -R "$PAKMAN_OWNER" "$recipe" "${CONTAINER_PATHS.packages}"
exit "$status"
`);
}

// src/abuild/packages.ts
import { readdir as readdir3, stat as stat3 } from "node:fs/promises";
import { join as join6, relative } from "node:path";
async function collectBuiltFiles(packagesDir) {
  const files = [];
  for (const path of await walk(packagesDir)) {
    const base = path.split("/").at(-1);
    const isIndex = base === "APKINDEX.tar.gz";
    if (!isIndex && !base.endsWith(".apk")) continue;
    const rel = relative(packagesDir, path);
    const arch = rel.split("/").at(-2) ?? "";
    const parsed = /^(.+)-([^-]+-r\d+)\.apk$/.exec(base);
    files.push({
      path,
      relativePath: rel,
      kind: isIndex ? "index" : "package",
      ...parsed && { name: parsed[1], version: parsed[2] },
      arch,
      size: (await stat3(path)).size
    });
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}
async function collectPackages(packagesDir, expected, log) {
  const found = await collectBuiltFiles(packagesDir);
  if (!found.some((f) => f.kind === "package")) {
    throw new Error(
      `abuild wrote no packages for ${expected.arch}: the APKBUILD's arch= does not include it (${expected.configName} architectures: ${expected.architectures?.join(", ") ?? "not set"})`
    );
  }
  for (const file of found) log(`${file.relativePath} ${file.size} bytes`);
  return found;
}
function withDigests(files, digests) {
  return files.map((file) => {
    const sha256 = digests.get(file.relativePath);
    if (!sha256) throw new Error(`${file.relativePath} was not verified`);
    return { ...file, sha256 };
  });
}
async function walk(dir) {
  const entries = await readdir3(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(
      (e) => e.isDirectory() ? walk(join6(dir, e.name)) : Promise.resolve(e.isFile() ? [join6(dir, e.name)] : [])
    )
  );
  return nested.flat();
}

// src/abuild/index.ts
var BuildError = class extends Error {
  constructor(message, phase, tail) {
    super(message);
    this.phase = phase;
    this.tail = tail;
  }
  phase;
  tail;
  name = "BuildError";
};
async function runAbuild(build2) {
  const sourceDateEpoch = build2.sourceDateEpoch ?? await commitTime(build2.workspace);
  let phase = "start";
  const steps = [];
  let stepName = "start";
  let stepStarted = performance.now();
  const step = (next) => {
    steps.push({ name: stepName, seconds: secondsSince(stepStarted) });
    stepName = next;
    stepStarted = performance.now();
  };
  const context = {
    ...build2,
    log: (line) => {
      if (line.startsWith(PHASE_MARKER)) {
        const marked = line.slice(PHASE_MARKER.length).trim();
        if (marked) step(marked);
        if (marked && marked !== "finish") phase = marked;
        return;
      }
      build2.log(line);
    }
  };
  const { code, tail } = await runScript(context, {
    image: build2.image,
    prefix: "pakman-build",
    script: buildScript(),
    mounts: [
      // Only ever read: root packs it, nothing in the build writes it.
      { source: build2.workspace, target: CONTAINER_PATHS.workspace, readOnly: true },
      {
        source: join7(build2.workspace, build2.recipeDir),
        target: `${CONTAINER_PATHS.recipes}/${build2.recipeDir.replace(/^\.apk\//, "")}`
      },
      { source: build2.packagesDir, target: CONTAINER_PATHS.packages },
      { source: build2.key.dir, target: CONTAINER_PATHS.keys, readOnly: true },
      ...build2.cache ? cacheMounts(build2.cache) : []
    ],
    // Only public facts: ids, paths and names. The key itself is a read-only file mount.
    env: {
      PAKMAN_UID: String(build2.identity.uid),
      PAKMAN_GID: String(build2.identity.gid),
      PAKMAN_OWNER: `${build2.identity.owner.uid}:${build2.identity.owner.gid}`,
      PAKMAN_RECIPE: build2.recipeDir,
      PAKMAN_SNAPSHOT: build2.snapshot,
      PAKMAN_KEY_NAME: build2.key.name,
      SOURCE_DATE_EPOCH: String(sourceDateEpoch),
      ...toolCacheVariables(),
      ...build2.cache && {
        PAKMAN_HOME_CACHES: HOME_CACHE_DIRS.join(" "),
        PAKMAN_HOME_PARENTS: homeCacheParents().join(" "),
        PAKMAN_CACHE_PATHS: build2.cache.sourcePaths.join(" "),
        PAKMAN_CACHE_SAVE: build2.cache.toBeSaved ? "1" : ""
      }
    }
  });
  if (code !== 0) {
    const shown = tail.filter((l) => !l.startsWith(PHASE_MARKER)).slice(-12);
    throw new BuildError(
      `the build failed in the ${phase} phase (exit ${code}); last lines:
${shown.join("\n")}`,
      phase,
      shown
    );
  }
  step("");
  return steps;
}
function cacheMounts(cache) {
  return [
    ...HOME_CACHE_DIRS.map((dir) => ({
      source: join7(cache.homeDir, dir),
      target: `${BUILD_HOME}/${dir}`
    })),
    { source: cache.sourceDir, target: CACHED_SOURCE }
  ];
}
function toolCacheVariables() {
  return Object.fromEntries(
    Object.entries(TOOL_CACHE_VARIABLES).map(([name, dir]) => [name, `${BUILD_HOME}/${dir}`])
  );
}
async function commitTime(workspace) {
  const lastCommit = await gitInWorkspace(workspace, ["log", "-1", "--format=%ct"]);
  const seconds = lastCommit.ok ? Number(lastCommit.stdout) : NaN;
  return Number.isInteger(seconds) && seconds > 0 ? seconds : Math.floor(Date.now() / 1e3);
}

// src/verify/index.ts
import { readFile as readFile3 } from "node:fs/promises";
import { dirname as dirname3, join as join9, relative as relative4 } from "node:path";

// src/verify/sbom.ts
import { createHash as createHash3 } from "node:crypto";
import { writeFile as writeFile2 } from "node:fs/promises";
import { basename, dirname as dirname2, join as join8, relative as relative2 } from "node:path";
var SHA1 = "APK-TOOLS.checksum.SHA1";
var PackageSboms = class {
  seen = /* @__PURE__ */ new Map();
  /** For checkPaths: collects what the pass reads of each package. */
  observe = (path) => {
    const seen = {
      files: /* @__PURE__ */ new Map(),
      sbomPath: `${SBOM_DIR}/${basename(path, ".apk")}.spdx.json`,
      sbom: [],
      sbomBytes: 0
    };
    this.seen.set(path, seen);
    let reading = false;
    return {
      onEntry: (entry) => {
        reading = entry.path === seen.sbomPath;
        if (entry.type === "file") seen.files.set(entry.path, entry.pax[SHA1] ?? "");
        if (entry.type === "hardlink")
          seen.files.set(entry.path, seen.files.get(entry.linkTarget.replace(/^\.\//, "")) ?? "");
      },
      onContent: (chunk) => {
        if (!reading) return;
        seen.sbomBytes += chunk.length;
        if (seen.sbomBytes <= MAX_SBOM_BYTES) seen.sbom.push(chunk);
      }
    };
  };
  /**
   * Once every package verified: each one's SBOM checked against its files and copied beside it.
   * Throws naming each package whose SBOM is missing or does not match.
   */
  async writeBeside(packagesDir) {
    const problems = [];
    const written = [];
    for (const [path, seen] of this.seen) {
      const name = relative2(packagesDir, path);
      const problem = sbomProblem(seen);
      if (problem) {
        problems.push(`${name}: ${problem}`);
        continue;
      }
      const document = Buffer.concat(seen.sbom);
      const beside = join8(dirname2(path), `${basename(path, ".apk")}.spdx.json`);
      await writeFile2(beside, document, { mode: 420 });
      const parsed = /^(.+)-([^-]+-r\d+)\.apk$/.exec(basename(path));
      written.push({
        path: beside,
        relativePath: relative2(packagesDir, beside),
        kind: "sbom",
        ...parsed && { name: parsed[1], version: parsed[2] },
        arch: basename(dirname2(path)),
        size: document.length,
        sha256: createHash3("sha256").update(document).digest("hex")
      });
    }
    if (problems.length)
      throw new Error(`the packages' SBOMs do not match their files:
${problems.join("\n")}`);
    return written.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  }
};
function sbomProblem(seen) {
  if (!seen.files.has(seen.sbomPath)) return `no SBOM at /${seen.sbomPath}`;
  if (seen.sbomBytes > MAX_SBOM_BYTES) return `/${seen.sbomPath} is over ${MAX_SBOM_BYTES} bytes`;
  let listed;
  try {
    listed = filesOf(JSON.parse(Buffer.concat(seen.sbom).toString("utf8")));
  } catch (error) {
    return `/${seen.sbomPath} is not an SPDX document: ${error.message}`;
  }
  const differences = [];
  for (const [path, sha1] of seen.files) {
    if (path === seen.sbomPath) continue;
    const said = listed.get(path);
    if (said === void 0) differences.push(`/${path} is not listed`);
    else if (said !== sha1) differences.push(`/${path} is listed with SHA-1 ${said}, holds ${sha1}`);
  }
  for (const path of listed.keys())
    if (!seen.files.has(path)) differences.push(`/${path} is listed but not in the package`);
  if (!differences.length) return void 0;
  const shown = differences.slice(0, 5).join("; ");
  return differences.length > 5 ? `${shown}; and ${differences.length - 5} more` : shown;
}
function filesOf(document) {
  const files = document.files;
  if (!Array.isArray(files)) throw new Error("no files list");
  const listed = /* @__PURE__ */ new Map();
  for (const file of files) {
    if (typeof file.fileName !== "string" || !Array.isArray(file.checksums))
      throw new Error("a file without fileName or checksums");
    const sha1 = file.checksums.find(
      (c) => c.algorithm === "SHA1"
    )?.checksumValue;
    listed.set(file.fileName.replace(/^\.\//, ""), sha1 ?? "");
  }
  return listed;
}

// src/verify/signatures.ts
import { relative as relative3 } from "node:path";
async function checkSignatureChoice(dir, paths, key, choice) {
  if (choice === "rsa") return [];
  const keyFile = publicKeyFileName(key.name);
  const trusted = trustedKeys([[keyFile, key.pem]]);
  const wanted = signatureTypes(choice).map((type) => signatureEntryName(type, keyFile));
  const problems = [];
  for (const path of paths) {
    const index = path.endsWith("APKINDEX.tar.gz");
    const head = await readHead(path, index ? MAX_INDEX_BYTES : MAX_CONTROL_BYTES);
    const found = head.signatures.map((s) => s.entry);
    const name = relative3(dir, path);
    if (found.join() !== wanted.join()) {
      problems.push(
        `${name}: signed ${found.join(", ") || "not at all"}; signature ${choice} wants ${wanted.join(", ")}`
      );
      continue;
    }
    for (const signature of head.signatures) {
      const verdict = checkSignatures([signature], head.signed, trusted);
      if (verdict.verdict !== "OK") problems.push(`${name}: ${verdict.verdict} - ${verdict.reason}`);
    }
  }
  return problems;
}

// src/verify/install-test.ts
import { PassThrough } from "node:stream";
var PACKAGES = word("/pakman/packages");
var SCRIPTS = word(SCRIPT_DIR);
function installTestScript() {
  return fileText(sh`
#!/bin/sh
set -eu
mkdir -p /etc/apk/keys
cp "${SCRIPTS}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/
apk add --no-cache openrc
read -r repository package || exit 0
apk add --no-cache --repository "${PACKAGES}/$repository" "$package"
echo "installed $package"
`);
}
function startInstallTest(setup) {
  const go = new PassThrough();
  const held = [];
  let told;
  const log = (line) => told ? told(line) : held.push(line);
  const ran = runScript(
    { ...setup, log },
    {
      image: setup.image,
      prefix: "pakman-install",
      script: installTestScript(),
      files: { [publicKeyFileName(setup.keyName)]: setup.publicKeyPem },
      mounts: [{ source: setup.packagesDir, target: PACKAGES, readOnly: true }],
      env: { PAKMAN_KEY_NAME: setup.keyName },
      input: go,
      ...setup.appInMemory && {
        tmpfs: [{ target: setup.appInMemory.dir, bytes: setup.appInMemory.bytes }]
      }
    }
  );
  ran.catch(() => void 0);
  const pending = {
    async install(repository, packageSpec, to = setup.log, installedBytes) {
      const memory = setup.appInMemory;
      if (memory && (installedBytes === void 0 || installedBytes > memory.bytes)) {
        await pending.cancel();
        const onDisk = { ...setup };
        delete onDisk.appInMemory;
        return startInstallTest(onDisk).install(repository, packageSpec, to);
      }
      if (told) throw new Error("the install test was already told what to do");
      told = to;
      for (const line of held.splice(0)) to(line);
      go.end(`${repository} ${packageSpec}
`);
      const { code, tail } = await ran;
      if (code !== 0) {
        throw new Error(
          `installing ${packageSpec} in a clean ${setup.image} container failed (exit ${code}):
${tail.slice(-12).join("\n")}`
        );
      }
    },
    async cancel() {
      if (!told) go.end();
      told ??= () => void 0;
      await ran.catch(() => void 0);
    }
  };
  return pending;
}

// src/verify/index.ts
async function verifyRepository(dir, key, failure, options = {}) {
  const { log, observe, signature = "rsa" } = options;
  const checks = await checkPaths(
    [dir],
    trustedKeys([[publicKeyFileName(key.name), key.pem]]),
    observe
  );
  const digests = /* @__PURE__ */ new Map();
  for (const check2 of checks) {
    const path = relative4(dir, check2.path);
    if (check2.sha256) digests.set(path, check2.sha256);
    log?.(`${path}: ${check2.verdict}${check2.sha256 ? ` sha256:${check2.sha256}` : ""}`);
  }
  const failed = checks.filter((c) => c.verdict !== "OK");
  const lines = failed.map((c) => `${relative4(dir, c.path)}: ${c.verdict} - ${c.reason}`);
  const accepted = checks.filter((c) => c.verdict === "OK").map((c) => c.path);
  lines.push(...await checkSignatureChoice(dir, accepted, key, signature));
  if (lines.length) throw new Error(`${failure}:
${lines.join("\n")}`);
  return digests;
}
async function verifyBuild(verification) {
  const { packagesDir, key, containers, installTest } = verification;
  const steps = [];
  const sboms = verification.sbom ? new PackageSboms() : void 0;
  const main = verification.files.find(
    (f) => f.kind === "package" && f.name === verification.mainPackage
  );
  const held = [];
  let installLog = (line) => held.push(line);
  const installed = installTest && timed(steps, "install test", async () => {
    if (!main)
      throw new Error(`no package named ${verification.mainPackage} among the files abuild wrote`);
    const repository = main.relativePath.split("/")[0];
    await installTest.install(
      repository,
      `${main.name}=${main.version}`,
      (line) => installLog(line),
      await installedSize(packagesDir, verification.files, main)
    );
  });
  installed?.catch(() => void 0);
  const verified = await timed(steps, "signatures", async () => {
    const digests = await verifyRepository(packagesDir, key, "the packages do not verify", {
      log: containers.log,
      ...sboms && { observe: sboms.observe },
      signature: verification.signature
    });
    return { digests, sboms: sboms ? await sboms.writeBeside(packagesDir) : [] };
  }).catch(async (error) => {
    await installed?.catch(() => void 0);
    throw error;
  });
  installLog = containers.log;
  for (const line of held.splice(0)) installLog(line);
  await installed;
  return { steps, ...verified };
}
async function timed(steps, name, fn) {
  const started = performance.now();
  const result = await fn();
  steps.push({ name, seconds: secondsSince(started) });
  return result;
}
async function installedSize(packagesDir, files, main) {
  const dir = dirname3(main.relativePath);
  const index = files.find((f) => f.kind === "index" && dirname3(f.relativePath) === dir);
  if (!index) return void 0;
  try {
    const entries = readIndex(await readFile3(join9(packagesDir, index.relativePath))).entries;
    const entry = entries.find((e) => e.name === main.name && e.version === main.version);
    const size = Number(entry?.fields.find(([letter]) => letter === "I")?.[1]);
    return Number.isFinite(size) ? size : void 0;
  } catch {
    return void 0;
  }
}

// src/pipeline/build.ts
var INSTALL_TEST_MEMORY_SHARE = 0.25;
async function buildPackages(settings, reporter) {
  const phases = timedPhases(reporter);
  const started = await start(settings, reporter, phases);
  const { rendered, target, identity, containers, staging } = started;
  const { loaded, recipe } = rendered;
  let key;
  let cache;
  let installTest;
  try {
    key = await phases.run(
      "Signing key",
      () => signingKey(settings, recipe.repository, identity, reporter)
    );
    const keyName = key.name;
    const dependencies = environmentDependencies(recipe.dependencies, recipe.packageName);
    const environment = await phases.run(
      "Build environment",
      () => prepareEnvironment({
        ...containers,
        baseImage: target.baseImage,
        label: target.label,
        packages: dependencies,
        ...settings.cache && { cache: settings.cache },
        reporter
      })
    );
    const buildCache = settings.buildCache;
    if (buildCache) {
      cache = await phases.run(
        "Build cache",
        () => restoreBuildCache(
          buildCache,
          {
            workspace: settings.workspace,
            label: target.label,
            packages: dependencies,
            packageName: recipe.packageName
          },
          reporter
        )
      );
      if (cache) settings.onScratchDir?.(cache.dir);
    }
    const publicKey = { name: keyName, pem: key.publicKeyPem };
    if (settings.installTest)
      installTest = startInstallTest({
        ...containers,
        image: target.baseImage,
        packagesDir: staging.dir,
        keyName,
        publicKeyPem: key.publicKeyPem,
        appInMemory: {
          dir: `/var/lib/${recipe.packageName}`,
          bytes: Math.floor(freemem() * INSTALL_TEST_MEMORY_SHARE)
        }
      });
    const abuildSteps = await phases.run(
      "abuild",
      () => runAbuild({
        ...containers,
        image: environment.image,
        workspace: settings.workspace,
        recipeDir: recipe.dir,
        snapshot: recipe.snapshot,
        packagesDir: staging.dir,
        key,
        identity,
        ...cache && { cache: { ...cache, toBeSaved: cache.state !== "hit" } }
      })
    );
    phases.steps("abuild", abuildSteps);
    const expected = {
      arch: target.arch,
      configName: rendered.configLabel,
      architectures: loaded.config.architectures
    };
    const signature = settings.signature ?? "rsa";
    let collected = await phases.run(
      "Collect packages",
      () => collectPackages(staging.dir, expected, containers.log)
    );
    if (signature !== "rsa") {
      const unsigned = collected;
      collected = await phases.run(
        "Sign",
        async () => resignFiles({
          files: unsigned,
          key: readPrivateKey(await readFile4(key.privateKeyFile, "utf8")),
          keyFile: publicKeyFileName(keyName),
          choice: signature,
          reporter
        })
      );
    }
    const verified = await phases.run(
      "Verify",
      () => verifyBuild({
        packagesDir: staging.dir,
        key: publicKey,
        files: collected,
        mainPackage: recipe.packageName,
        ...installTest && { installTest },
        containers,
        sbom: settings.sbom !== false,
        signature
      })
    );
    phases.steps("Verify", verified.steps);
    const files = [...withDigests(collected, verified.digests), ...verified.sboms];
    const cacheReport = cache && buildCache ? await phases.run("Save build cache", () => saveCache(cache, buildCache, reporter)) : void 0;
    await staging.commit({ [publicKeyFileName(keyName)]: publicKey.pem });
    const outputDir = started.outputDir;
    return {
      rendered,
      ...target,
      keyName,
      signature,
      ephemeralKey: key.ephemeral,
      publicKeyFile: join10(outputDir, publicKeyFileName(keyName)),
      packagesDir: outputDir,
      // Where they are now: the same relative paths, in the output directory.
      files: files.map((f) => ({ ...f, path: join10(outputDir, f.relativePath) })),
      environment,
      ...cacheReport && { buildCache: cacheReport },
      phases: phases.seconds
    };
  } finally {
    await installTest?.cancel();
    if (key) await removeSigningKey(key.dir);
    if (cache) await discardBuildCache(cache);
    await staging.discard();
  }
}
async function start(settings, reporter, phases) {
  const { option } = reporter;
  const docker = settings.docker ?? new Docker();
  const architecture = await targetArchitecture(settings.arch, option);
  const owner = await stat4(settings.workspace);
  const outputDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    option("packages-dir")
  );
  await docker.ensureAvailable();
  const rendered = await phases.run(
    "Render",
    () => render({ ...settings, arch: architecture.arch }, inline(reporter))
  );
  const config = { ...rendered.loaded.config, label: rendered.configLabel };
  const target = buildTarget(architecture, settings, config, option);
  const containers = {
    docker,
    ...target.platform && { platform: target.platform },
    ...settings.onContainer && { onContainer: settings.onContainer },
    log: (line) => reporter.info(line)
  };
  const identity = buildIdentity(owner);
  const staging = await stageOutput(outputDir, owner);
  settings.onScratchDir?.(staging.dir);
  return { rendered, target, containers, outputDir, staging, identity };
}
async function signingKey(settings, repository, identity, reporter) {
  const prepared = await prepareSigningKey(
    {
      name: settings.keyName ?? defaultKeyName(repository),
      nameIsDefault: settings.keyName === void 0,
      ...settings.signingKey && { privateKey: settings.signingKey },
      ...settings.publicKey && { publicKey: settings.publicKey }
    },
    settings.keyParent,
    identity
  );
  settings.onKeyDir?.(prepared.dir);
  if (prepared.ephemeral) {
    reporter.warning(
      `no signing key given: packages are signed with a throwaway key (${prepared.name}) made for this run; pass your own key with ${reporter.option("signing-key")} to publish installable packages`
    );
  }
  reporter.info(`key ${publicKeyFileName(prepared.name)}`);
  return prepared;
}
async function saveCache(cache, settings, reporter) {
  const saved = await saveBuildCache(cache, settings, reporter);
  return {
    state: cache.state,
    key: cache.key,
    ...cache.restoredKey && { restoredKey: cache.restoredKey },
    bytes: saved.bytes,
    saved: saved.saved
  };
}
function timedPhases(reporter) {
  const seconds = [];
  return {
    seconds,
    async run(name, fn) {
      const started = performance.now();
      try {
        return await reporter.group(name, fn);
      } finally {
        seconds.push({ name, seconds: secondsSince(started) });
      }
    },
    /** The parts of a phase that timed itself (abuild's marked phases, verify's two checks). */
    steps(phase, parts) {
      for (const part of parts)
        seconds.push({ name: `${phase}/${part.name}`, seconds: part.seconds });
    }
  };
}
function inline(reporter) {
  return { ...reporter, group: (_name, fn) => fn() };
}

// src/pipeline/deliver.ts
async function deliverBuild(built, settings, delivered, reporter) {
  const { recipe, loaded } = built.rendered;
  const { packageName, version, release } = recipe;
  if (settings.subjectsDir)
    delivered.subjectChecksums = await writeSubjectChecksums(
      built.files,
      settings.subjectsDir,
      `pakman-subjects-${defaultArtifactName({ ...built, packageName })}`
    );
  await reporter.group(
    "Publish",
    () => publish(
      { ...built, packageName, version, release },
      settings.publish,
      reporter,
      delivered.published
    )
  );
  await toBucket(built.packagesDir, built.stack, settings, delivered, reporter);
  await toDeployment(built.packagesDir, loaded.config, settings, delivered, reporter);
  return delivered;
}
async function deliverMerge(merged, config, settings, delivered, reporter) {
  const output = {
    dir: merged.packagesDir,
    artifactName: settings.publish.artifactName ?? `${merged.manifests[0]?.package ?? "packages"}-repository`,
    // Release assets: every file, named <stack>-<arch>-<file>, and the public key.
    assets: await repositoryAssets(merged.packagesDir, merged)
  };
  await reporter.group("Publish", async () => {
    await publishDirectory(output, settings.publish, reporter, delivered.published);
    const { pages, repository } = settings.publish;
    const url = pages?.url ?? (settings.bucket && checkS3Settings(bucketSettings(settings.bucket, merged.packagesDir, reporter)).repositoryUrl);
    if (!url) return;
    const site = await writeSite(merged.packagesDir, {
      url,
      urlName: reporter.option("repository-url"),
      ...repository && { title: repository },
      digests: merged.digests
    });
    reporter.info(`front page for ${site.url}: ${site.files.join(", ")}`);
    if (!pages) return;
    delivered.published.pagesArtifactId = await uploadPagesArtifact(
      merged.packagesDir,
      pages.tempDir,
      reporter
    );
    delivered.published.repositoryUrl = site.url;
  });
  await toBucket(merged.packagesDir, void 0, settings, delivered, reporter);
  if (config) await toDeployment(merged.packagesDir, config, settings, delivered, reporter);
  return delivered;
}
async function deliverDirectory(dir, stack, config, settings, reporter) {
  const delivered = { published: {} };
  if (settings.bucket) checkBucket(settings.bucket, reporter);
  await toBucket(dir, stack, settings, delivered, reporter);
  if (config) await toDeployment(dir, config, settings, delivered, reporter);
  return delivered;
}
async function checkDeployment(settings, reporter) {
  const { checkPushSettings } = await import("./deploy-SV4XRQUK.js");
  checkPushSettings({ ...settings, packagesDir: "", config: {}, reporter });
}
function checkBucket(settings, reporter) {
  checkS3Settings(bucketSettings(settings, "", reporter));
}
function bucketSettings(bucket, dir, reporter, stack, signal) {
  return {
    ...bucket,
    dir,
    ...stack && { stack },
    reporter,
    ...signal && { signal }
  };
}
async function toBucket(dir, stack, settings, delivered, reporter) {
  const { bucket } = settings;
  if (!bucket) return;
  delivered.bucket = await reporter.group(
    "Publish to S3",
    () => publishS3(bucketSettings(bucket, dir, reporter, stack, settings.signal))
  );
}
async function toDeployment(packagesDir, config, settings, delivered, reporter) {
  const { deployment } = settings;
  if (!deployment) return;
  const { runPush } = await import("./deploy-SV4XRQUK.js");
  delivered.pushed = await reporter.group(
    deployment.dryRun ? "Push to Instellar (dry run)" : "Push to Instellar",
    () => runPush({
      ...deployment,
      packagesDir,
      config,
      reporter,
      ...settings.signal && { signal: settings.signal }
    })
  );
}

// src/pipeline/merge.ts
import { readFile as readFile5 } from "node:fs/promises";
async function mergeArtifacts(settings, reporter) {
  if (!settings.signingKey?.trim()) {
    throw new Error(
      "merge needs signing-key: the key the build jobs signed with, which also signs the merged indexes"
    );
  }
  const repository = parseRepository(settings.repository ?? "");
  const packagesDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    reporter.option("packages-dir")
  );
  await emptyOutputDir(packagesDir);
  const downloaded = await reporter.group(
    "Download build artifacts",
    () => downloadBuildArtifacts(reporter, settings.tempDir)
  );
  try {
    if (!downloaded.dirs.length)
      throw new Error(
        "no PAKman build artifacts in this run: run merge in a job that needs the build jobs"
      );
    const merged = await reporter.group(
      "Merge",
      () => mergeRepositories(downloaded.dirs, {
        outputDir: packagesDir,
        signingKey: settings.signingKey,
        ...settings.keyName && { keyName: settings.keyName },
        ...settings.signature && { signature: settings.signature },
        ...repository && { defaultKeyName: defaultKeyName(repository) },
        ...Number(settings.sourceDateEpoch) && { mtime: Number(settings.sourceDateEpoch) },
        reporter
      })
    );
    const digests = await reporter.group("Verify", async () => {
      const key = {
        name: merged.keyName,
        pem: await readFile5(merged.publicKeyFile, "utf8")
      };
      const verified = await verifyRepository(
        packagesDir,
        key,
        "the merged repository does not verify",
        { signature: merged.signature }
      );
      reporter.info(
        `${merged.packages} packages in ${merged.directories.length} directories verify`
      );
      return verified;
    });
    return { ...merged, packagesDir, digests };
  } finally {
    await downloaded.cleanup();
  }
}

// src/pipeline/runs.ts
function newProgress() {
  return { delivered: { published: {} } };
}
async function build(settings, reporter, progress = newProgress()) {
  const built = await buildPackages(settings, reporter);
  progress.built = built;
  if (settings.delivery) {
    progress.delivering = deliverBuild(built, settings.delivery, progress.delivered, reporter);
    await progress.delivering;
  }
  return { ...built, delivered: progress.delivered };
}
async function merge(settings, reporter, progress = newProgress()) {
  const config = settings.delivery?.deployment ? await readDeploymentConfig(settings.workspace, settings.configFile, reporter) : void 0;
  const merged = await mergeArtifacts(settings, reporter);
  progress.merged = merged;
  if (settings.delivery) {
    progress.delivering = deliverMerge(
      merged,
      config,
      settings.delivery,
      progress.delivered,
      reporter
    );
    await progress.delivering;
  }
  return { ...merged, delivered: progress.delivered };
}
async function deliver(settings, reporter) {
  const configFile = settings.configFile ?? DEFAULT_CONFIG;
  const config = settings.delivery.deployment ? (await readConfig(configFile, configFile, (list2) => reporter.diagnostics(list2))).config : void 0;
  return deliverDirectory(settings.dir, settings.stack, config, settings.delivery, reporter);
}
async function readDeploymentConfig(workspace, configFile, reporter) {
  const file = resolve(workspace, configFile ?? DEFAULT_CONFIG);
  const label = configLabel(workspace, file);
  if (!await stat5(file).catch(() => void 0))
    throw new Error(
      `upload: instellar reads kits, sizes, plans and page from ${label}, which is not in ${workspace}: add actions/checkout to this job`
    );
  const loaded = await reporter.group(
    `Read ${label}`,
    () => readConfig(file, label, (list2) => reporter.diagnostics(list2))
  );
  return loaded.config;
}

// src/pipeline/leftovers.ts
import { rm as rm5 } from "node:fs/promises";
function recordLeftovers(leftovers, changed = () => {
}) {
  return {
    onContainer: (name, scratchDir) => {
      leftovers.containers.push(name);
      leftovers.scratch.push(scratchDir);
      changed(leftovers);
    },
    onScratchDir: (dir) => {
      leftovers.scratch.push(dir);
      changed(leftovers);
    },
    onKeyDir: (dir) => {
      leftovers.keyDir = dir;
      changed(leftovers);
    }
  };
}
async function removeLeftovers(leftovers, log) {
  const docker = new Docker();
  for (const name of leftovers.containers) {
    if (await docker.removeContainer(name)) log(`removed container ${name}`);
  }
  for (const dir of leftovers.scratch) await rm5(dir, { recursive: true, force: true });
  if (leftovers.keyDir) {
    await removeSigningKey(leftovers.keyDir);
    log("removed the signing key files");
  }
}

export {
  runEnvironment,
  DirectoryCache,
  ActionsCache,
  DirectoryBuildCache,
  ActionsBuildCache,
  buildCacheSettings,
  check,
  render,
  checkDeployment,
  checkBucket,
  newProgress,
  build,
  merge,
  deliver,
  recordLeftovers,
  removeLeftovers
};

import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DEFAULT_RETRY,
  PART_SIZE,
  PushError,
  S3Client,
  Secrets,
  describeNetworkError,
  eachAtOnce,
  excerpt,
  isTransientStatus,
  parseRepository,
  readTree,
  retryAfterMs,
  slugify,
  stopReason,
  withRetry
} from "./chunk-UWE7DBE2.js";
import "./chunk-566SJ2D4.js";

// src/deploy/dry-run.ts
import { stat } from "node:fs/promises";
var DryRunPlatform = class {
  constructor(endpoint, print) {
    this.endpoint = endpoint;
    this.print = print;
  }
  endpoint;
  print;
  call(method, path, body, note) {
    const json = body === void 0 ? "" : ` ${JSON.stringify(body)}`;
    this.print(
      `would ${method} ${this.endpoint.replace(/\/+$/, "")}${path}${json}${note ? `  # ${note}` : ""}`
    );
  }
  async authenticate() {
    this.call(
      "POST",
      "/publish/automation/callback",
      { auth_token: "***" },
      "INSTELLAR_AUTH_TOKEN for a session token"
    );
  }
  async findDeployment(hash) {
    this.call(
      "GET",
      `/publish/deployments/${encodeURIComponent(hash)}`,
      void 0,
      "assumed 404 here; a 200 would reuse that deployment's archive and upload nothing"
    );
    return void 0;
  }
  async storage() {
    this.call("GET", "/publish/storage", void 0, "the bucket and its keys");
    return {
      bucket: "<bucket>",
      host: "<host>",
      port: 443,
      scheme: "https",
      region: "<region>",
      accessKeyId: "<key>",
      secretAccessKey: "<secret>"
    };
  }
  async createDeployment(input) {
    this.call("POST", "/publish/deployments", { deployment: input });
    return { deployment: { id: "<id>", archivePath: input.archive_path }, created: true };
  }
  async createConfiguration(deployment, payload) {
    this.call("POST", `/publish/deployments/${deployment.id}/configurations`, {
      configuration: { payload }
    });
    return { created: true };
  }
};
var DryRunStorage = class {
  constructor(print) {
    this.print = print;
  }
  print;
  location = "s3://<bucket>";
  async upload(key, file) {
    const { size } = await stat(file);
    const parts = Math.max(1, Math.ceil(size / PART_SIZE));
    this.print(
      `would upload ${this.location}/${key} (${size} bytes: POST ?uploads, ${parts} PUT ?partNumber, POST ?uploadId)`
    );
    return { key, size, parts };
  }
};

// src/deploy/platform.ts
var DEFAULT_ENDPOINT = "https://opsmaru.com";
var InstellarPlatform = class {
  constructor(options) {
    this.options = options;
  }
  options;
  session;
  async authenticate() {
    const step = "authenticate (POST /publish/automation/callback)";
    const answer = await this.call(step, "POST", "/publish/automation/callback", {
      auth_token: this.options.authToken
    });
    if (answer.status === 404) {
      throw new PushError(
        step,
        "HTTP 404: the platform does not know INSTELLAR_AUTH_TOKEN (check the repository secret)",
        { status: 404 }
      );
    }
    this.expect(step, answer, [200, 201]);
    const token = field(answer.body, ["data", "token"]);
    if (typeof token !== "string" || !token)
      throw new PushError(step, `HTTP ${answer.status} without data.token in the answer`);
    this.options.secrets.add(token);
    this.session = token;
  }
  async findDeployment(hash) {
    const path = `/publish/deployments/${encodeURIComponent(hash)}`;
    const step = `look up the deployment (GET ${path})`;
    const answer = await this.call(step, "GET", path);
    if (answer.status === 404) return void 0;
    this.expect(step, answer, [200]);
    const attributes = field(answer.body, ["data", "attributes"]);
    if (!isObject(attributes))
      throw new PushError(step, "HTTP 200 without data.attributes in the answer");
    return toDeployment(attributes);
  }
  async storage() {
    const step = "get the storage credentials (GET /publish/storage)";
    const answer = await this.call(step, "GET", "/publish/storage");
    this.expect(step, answer, [200]);
    const attributes = field(answer.body, ["data", "attributes"]);
    const credentials = parseStorage(attributes, (message) => new PushError(step, message));
    this.options.secrets.add(credentials.secretAccessKey);
    this.options.secrets.add(credentials.accessKeyId);
    return credentials;
  }
  async createDeployment(input) {
    const step = "create the deployment (POST /publish/deployments)";
    const answer = await this.call(step, "POST", "/publish/deployments", { deployment: input });
    this.expect(step, answer, [200, 201]);
    const attributes = field(answer.body, ["data", "attributes"]);
    if (!isObject(attributes) || !isId(attributes.id))
      throw new PushError(step, `HTTP ${answer.status} without data.attributes.id in the answer`);
    return { deployment: toDeployment(attributes), created: answer.status === 201 };
  }
  async createConfiguration(deployment, payload) {
    const path = `/publish/deployments/${encodeURIComponent(String(deployment.id))}/configurations`;
    const step = `send the configuration (POST ${path})`;
    const answer = await this.call(step, "POST", path, { configuration: { payload } });
    if (answer.status === 422) {
      throw new PushError(
        step,
        `HTTP 422: the platform refused the kits, sizes, plans or page of instellar.yml: ${excerpt(answer.text, 2e3)}`,
        { status: 422 }
      );
    }
    this.expect(step, answer, [200, 201]);
    return { created: answer.status === 201 };
  }
  /** One request, tried again on 5xx, 429, dropped connections and timeouts. */
  call(step, method, path, json) {
    const { endpoint, retry, log, timeoutMs = 3e4 } = this.options;
    const url = `${endpoint.replace(/\/+$/, "")}${path}`;
    const headers = {
      accept: "application/json",
      "user-agent": this.options.userAgent ?? "pakman-action"
    };
    if (json !== void 0) headers["content-type"] = "application/json";
    if (this.session) {
      headers.authorization = `Bearer ${this.session}`;
      headers["x-instellar-package-token"] = this.options.packageToken;
    }
    const redact = (text) => this.options.secrets.redact(text);
    return withRetry(
      async () => {
        let response;
        try {
          response = await fetch(url, {
            method,
            headers,
            ...json !== void 0 && { body: JSON.stringify(json) },
            signal: AbortSignal.timeout(timeoutMs)
          });
        } catch (error) {
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true });
        }
        const text = await response.text().catch(() => "");
        log(`${method} ${path} \u2192 ${response.status}`);
        if (isTransientStatus(response.status)) {
          throw new PushError(step, `HTTP ${response.status}: ${redact(excerpt(text))}`, {
            status: response.status,
            transient: true,
            ...optionalRetryAfter(response.headers.get("retry-after"))
          });
        }
        let body;
        if (/\bjson\b/i.test(response.headers.get("content-type") ?? "")) {
          try {
            body = JSON.parse(text);
          } catch {
            throw new PushError(
              step,
              `HTTP ${response.status} with a body that is not JSON: ${redact(excerpt(text))}`,
              { status: response.status }
            );
          }
        }
        return { status: response.status, body, text: redact(text) };
      },
      retry,
      (line) => log(redact(line))
    );
  }
  expect(step, answer, statuses) {
    if (statuses.includes(answer.status)) {
      if (answer.body === void 0)
        throw new PushError(step, `HTTP ${answer.status} without a JSON body`, {
          status: answer.status
        });
      return;
    }
    throw new PushError(step, `HTTP ${answer.status}: ${excerpt(answer.text)}`, {
      status: answer.status
    });
  }
};
function optionalRetryAfter(header) {
  const ms = retryAfterMs(header);
  return ms === void 0 ? {} : { retryAfterMs: ms };
}
function parseStorage(attributes, fail) {
  if (!isObject(attributes)) throw fail("the answer has no data.attributes");
  const credential = isObject(attributes.credential) ? attributes.credential : {};
  const text = (value, name) => {
    if (typeof value !== "string" || !value.trim()) throw fail(`the storage answer has no ${name}`);
    return value.trim();
  };
  const scheme = text(attributes.scheme, "scheme").replace(/:\/*$/, "").toLowerCase();
  if (scheme !== "http" && scheme !== "https")
    throw fail(`the storage scheme ${JSON.stringify(scheme)} is not http or https`);
  const port = typeof attributes.port === "string" ? Number(attributes.port) : attributes.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw fail(`the storage port ${JSON.stringify(attributes.port)} is not a port number`);
  return {
    bucket: text(attributes.bucket, "bucket"),
    host: text(attributes.host, "host"),
    port,
    scheme,
    region: text(attributes.region, "region"),
    accessKeyId: text(credential.access_key_id, "credential.access_key_id"),
    secretAccessKey: text(credential.secret_access_key, "credential.secret_access_key")
  };
}
function toDeployment(attributes) {
  return {
    id: isId(attributes.id) ? attributes.id : "",
    ...typeof attributes.archive_path === "string" && { archivePath: attributes.archive_path }
  };
}
function isId(value) {
  return typeof value === "string" && value !== "" || typeof value === "number";
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function field(body, path) {
  let node = body;
  for (const key of path) {
    if (!isObject(node)) return void 0;
    node = node[key];
  }
  return node;
}

// src/deploy/storage.ts
var S3Storage = class {
  client;
  location;
  constructor(credentials, options) {
    this.client = new S3Client(
      {
        endpoint: `${credentials.scheme}://${credentials.host}:${credentials.port}`,
        bucket: credentials.bucket,
        region: credentials.region,
        pathStyle: true
      },
      credentials,
      options
    );
    this.location = this.client.location;
  }
  upload(key, file, signal) {
    return this.client.upload(key, file, { multipart: true }, signal);
  }
};

// src/deploy/clients.ts
function pushDeps(settings, endpoint) {
  const redact = (text) => settings.secrets.redact(text);
  const log = (line) => settings.log(redact(line));
  return {
    ...pushClients(settings, endpoint, log, redact),
    log,
    notice: (message) => settings.notice(redact(message)),
    tempDir: settings.tempDir,
    ...settings.concurrency && { concurrency: settings.concurrency },
    ...settings.dryRun && { dryRun: true },
    ...settings.signal && { signal: settings.signal }
  };
}
function pushClients(settings, endpoint, log, redact) {
  const retry = settings.retry ?? DEFAULT_RETRY;
  if (settings.dryRun)
    return {
      platform: settings.platform ?? new DryRunPlatform(endpoint, log),
      openStorage: settings.openStorage ?? (() => new DryRunStorage(log))
    };
  return {
    platform: settings.platform ?? new InstellarPlatform({
      endpoint,
      // checkPushSettings refused a real push without them.
      authToken: settings.authToken,
      packageToken: settings.packageToken,
      secrets: settings.secrets,
      retry,
      log
    }),
    openStorage: settings.openStorage ?? ((credentials) => new S3Storage(credentials, { retry, log, redact }))
  };
}

// src/deploy/files.ts
import { stat as stat2 } from "node:fs/promises";
import { join, relative, sep } from "node:path";
var isPackageFile = (name) => name.endsWith(".apk") || name === "APKINDEX.tar.gz";
async function collectPushFiles(dir, stack) {
  const entries = await readTree(
    dir,
    `no packages directory ${dir}: build or merge first, or point packages-dir at it`
  );
  const groups = /* @__PURE__ */ new Map();
  const skipped = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const parts = relative(dir, path).split(sep);
    if (parts.length < 2 || !isPackageFile(entry.name)) {
      skipped.push(parts.join("/"));
      continue;
    }
    const prefix = parts.slice(0, -3).join("/");
    const list = groups.get(prefix) ?? [];
    list.push({
      name: parts.slice(-3).join("/"),
      leaf: parts.slice(-2).join("/"),
      path,
      size: (await stat2(path)).size
    });
    groups.set(prefix, list);
  }
  const found = [...groups.keys()].sort();
  let chosen;
  if (stack !== void 0 && groups.has(stack)) chosen = stack;
  else if (found.length === 1 && (found[0] === "" || stack === void 0)) chosen = found[0];
  if (chosen === void 0) {
    if (!found.length) throw new Error(`no packages in ${dir}`);
    throw new Error(
      stack === void 0 ? `${dir} holds packages for several stacks (${found.join(", ")}); name the one to deploy with the stack input or stack: in instellar.yml` : `${dir} has no packages for stack ${stack} (it has ${found.map((f) => f || "a single build").join(", ")})`
    );
  }
  const files = groups.get(chosen).sort((a, b) => a.name.localeCompare(b.name));
  if (!files.some((f) => f.leaf.endsWith(".apk"))) throw new Error(`no .apk packages in ${dir}`);
  const seen = /* @__PURE__ */ new Map();
  for (const file of files) {
    const other = seen.get(file.leaf);
    if (other)
      throw new Error(
        `${other} and ${file.name} would both be uploaded as ${file.leaf}: a deployment holds one repository per architecture`
      );
    seen.set(file.leaf, file.name);
  }
  for (const prefix of found) if (prefix !== chosen) skipped.push(`${prefix}/ (another stack)`);
  return { files, ...chosen && { stackDir: chosen }, skipped: skipped.sort() };
}

// src/deploy/plan.ts
async function planPush(settings, checked) {
  const requested = settings.stack ?? settings.config.stack;
  const collected = await collectPushFiles(settings.packagesDir, requested).catch(
    (error) => {
      throw new PushError("collect the packages", error.message);
    }
  );
  const stack = requested ?? collected.stackDir;
  if (collected.skipped.length)
    settings.log(`not uploaded (not a package or an index): ${collected.skipped.join(", ")}`);
  const configuration = configurationPayload(settings.config);
  return {
    owner: slugify(checked.repository.owner),
    repo: slugify(checked.repository.name),
    hash: checked.hash,
    ref: checked.ref,
    ...stack && { stack },
    files: collected.files,
    archiveName: "packages.zip",
    ...configuration && { configuration }
  };
}
function configurationPayload(config) {
  const { kits, sizes, plans, page } = config;
  if (!Array.isArray(kits)) return void 0;
  return {
    kits,
    ...present(sizes) && { sizes },
    ...present(plans) && { plans },
    ...present(page) && { page }
  };
}
function present(value) {
  return value !== void 0 && value !== null && value !== false;
}

// src/deploy/push.ts
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/deploy/archive.ts
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { crc32 } from "node:zlib";
var LIMIT = 4294967295;
var DOS_DATE = 0 << 9 | 1 << 5 | 1;
var DOS_TIME = 0;
var UTF8_NAMES = 2048;
var UNIX_FILE = 33188 << 16 >>> 0;
async function writeArchive(target, entries) {
  if (entries.length > 65535)
    throw new Error(`${entries.length} files are more than a zip without zip64 holds (65535)`);
  const out = await open(target, "w");
  const central = [];
  let offset = 0;
  const write = async (data) => {
    await out.write(data);
    offset += data.length;
  };
  try {
    for (const entry of entries) {
      const { checksum, size } = await checksumOf(entry.path);
      if (size > LIMIT || offset > LIMIT)
        throw new Error(
          `${entry.name}: the archive would pass 4 GiB, more than a zip without zip64 holds`
        );
      const name = Buffer.from(entry.name, "utf8");
      const local = Buffer.alloc(30);
      local.writeUInt32LE(67324752, 0);
      local.writeUInt16LE(10, 4);
      local.writeUInt16LE(UTF8_NAMES, 6);
      local.writeUInt16LE(0, 8);
      local.writeUInt16LE(DOS_TIME, 10);
      local.writeUInt16LE(DOS_DATE, 12);
      local.writeUInt32LE(checksum, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(33639248, 0);
      header.writeUInt16LE(3 << 8 | 10, 4);
      header.writeUInt16LE(10, 6);
      header.writeUInt16LE(UTF8_NAMES, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(checksum, 16);
      header.writeUInt32LE(size, 20);
      header.writeUInt32LE(size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(UNIX_FILE, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      await write(Buffer.concat([local, name]));
      let copied = 0;
      for await (const chunk of createReadStream(entry.path)) {
        await write(chunk);
        copied += chunk.length;
      }
      if (copied !== size) throw new Error(`${entry.path} changed while it was being archived`);
    }
    const directory = Buffer.concat(central);
    if (offset + directory.length > LIMIT)
      throw new Error("the archive would pass 4 GiB, more than a zip without zip64 holds");
    const end = Buffer.alloc(22);
    end.writeUInt32LE(101010256, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await write(Buffer.concat([directory, end]));
    return offset;
  } finally {
    await out.close();
  }
}
async function checksumOf(path) {
  let checksum = 0;
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    checksum = crc32(chunk, checksum);
    size += chunk.length;
  }
  return { checksum, size };
}

// src/deploy/push.ts
async function push(plan, deps) {
  const { platform } = deps;
  const log = deps.dryRun ? () => {
  } : deps.log;
  await platform.authenticate();
  const existing = await platform.findDeployment(plan.hash);
  let archivePath;
  let uploads = [];
  let storage;
  if (existing) {
    if (!existing.archivePath) {
      throw new PushError(
        "look up the deployment",
        `the platform has a deployment of ${plan.hash} without an archive_path, so it cannot be reused for ${plan.ref}`
      );
    }
    archivePath = existing.archivePath;
    log(`${plan.hash} was deployed before: reusing its archive ${archivePath} for ${plan.ref}`);
  } else {
    const store = await deps.openStorage(await platform.storage());
    storage = store.location;
    archivePath = `archives/${archiveId(plan)}/${plan.archiveName}`;
    const scratch = await mkdtemp(join2(deps.tempDir, "pakman-push-"));
    try {
      const zip = join2(scratch, plan.archiveName);
      const size = await writeArchive(
        zip,
        plan.files.map((f) => ({ name: f.name, path: f.path }))
      );
      log(`${plan.archiveName}: ${plan.files.length} files, ${size} bytes`);
      const prefix = `deployments/${plan.owner}/${plan.repo}/${plan.hash}`;
      uploads = await uploadAll(
        store,
        // the zip goes last: it exists in the bucket only when everything it refers to does
        [...plan.files.map((f) => ({ key: `${prefix}/${f.leaf}`, path: f.path }))],
        [{ key: archivePath, path: zip }],
        deps.concurrency ?? 2,
        deps.signal
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  stopIfCancelled("create the deployment", deps.signal);
  const { deployment, created } = await platform.createDeployment({
    ref: plan.ref,
    hash: plan.hash,
    archive_path: archivePath,
    ...plan.stack && { stack: plan.stack }
  });
  log(
    `deployment ${deployment.id} ${created ? "created" : "already existed"} for ${plan.ref} (${plan.hash})`
  );
  let configuration = "skipped";
  if (plan.configuration) {
    stopIfCancelled("send the configuration", deps.signal);
    const result = await platform.createConfiguration(deployment, plan.configuration);
    configuration = result.created ? "created" : "existing";
    log(`configuration ${result.created ? "created" : "already existed"}`);
  } else {
    deps.notice(
      "instellar.yml has no kits: no configuration was sent, so the platform keeps what it had"
    );
  }
  return {
    deploymentId: deployment.id,
    created,
    source: existing ? "copied" : "uploaded",
    ref: plan.ref,
    hash: plan.hash,
    ...plan.stack && { stack: plan.stack },
    archivePath,
    ...storage && { storage },
    uploads,
    configuration,
    ...deps.dryRun && { dryRun: true }
  };
}
function stopIfCancelled(step, signal) {
  if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`);
}
async function uploadAll(storage, first, last, concurrency, cancel) {
  const upload = (item, signal) => storage.upload(item.key, item.path, signal);
  return [
    ...await eachAtOnce("upload", first, concurrency, upload, cancel),
    ...await eachAtOnce("upload", last, concurrency, upload, cancel)
  ];
}
function archiveId(plan) {
  const name = ["pakman-archive", plan.owner, plan.repo, plan.hash, plan.stack ?? ""].join("\n");
  const bytes = createHash("sha1").update(NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = bytes[6] & 15 | 80;
  bytes[8] = bytes[8] & 63 | 128;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
var NAMESPACE = Buffer.from("6f1c1e0a9b7d4e2f8a3c5d7e9f0b1a2c", "hex");

// src/deploy/settings.ts
function checkPushSettings(settings) {
  const repository = parseRepository(settings.repository);
  if (!repository)
    throw new PushError(
      "push",
      `the repository must be OWNER/NAME, not ${JSON.stringify(settings.repository)} (set GITHUB_REPOSITORY)`
    );
  const hash = settings.hash?.trim();
  if (!hash || !/^[A-Za-z0-9._-]+$/.test(hash))
    throw new PushError(
      "push",
      `the commit must be a SHA, not ${JSON.stringify(settings.hash ?? "")} (set WORKFLOW_SHA or GITHUB_SHA)`
    );
  const ref = settings.ref?.trim();
  if (!ref) throw new PushError("push", "no ref to deploy (set WORKFLOW_REF or GITHUB_REF)");
  const endpoint = settings.endpoint?.trim() || DEFAULT_ENDPOINT;
  if (!/^https?:\/\/[^/]/.test(endpoint))
    throw new PushError("push", `the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`);
  if (!settings.dryRun) checkTokens(settings);
  return { repository, hash, ref, endpoint };
}
function checkTokens(settings) {
  const missing = [
    !settings.authToken && "INSTELLAR_AUTH_TOKEN",
    !settings.packageToken && "INSTELLAR_PACKAGE_TOKEN"
  ].filter(Boolean);
  if (missing.length)
    throw new PushError(
      "push",
      `${missing.join(" and ")} must be set (repository secrets, passed as inputs or in env)`
    );
}

// src/deploy/index.ts
async function runPush(settings) {
  const checked = checkPushSettings(settings);
  const plan = await planPush(settings, checked);
  const deps = pushDeps(settings, checked.endpoint);
  try {
    return await push(plan, deps);
  } catch (error) {
    if (error instanceof Error) error.message = settings.secrets.redact(error.message);
    throw error;
  }
}
export {
  DEFAULT_ENDPOINT,
  DEFAULT_RETRY,
  InstellarPlatform,
  PART_SIZE,
  PushError,
  S3Storage,
  Secrets,
  archiveId,
  collectPushFiles,
  parseStorage,
  push,
  runPush,
  writeArchive
};

import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  parseRepository,
  slugify
} from "./chunk-JTFKCGDY.js";
import "./chunk-566SJ2D4.js";

// src/deploy/dry-run.ts
import { stat as stat2 } from "node:fs/promises";

// src/deploy/storage.ts
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";

// node_modules/aws4fetch/dist/aws4fetch.esm.mjs
var encoder = new TextEncoder();
var HOST_SERVICES = {
  appstream2: "appstream",
  cloudhsmv2: "cloudhsm",
  email: "ses",
  marketplace: "aws-marketplace",
  mobile: "AWSMobileHubService",
  pinpoint: "mobiletargeting",
  queue: "sqs",
  "git-codecommit": "codecommit",
  "mturk-requester-sandbox": "mturk-requester",
  "personalize-runtime": "personalize"
};
var UNSIGNABLE_HEADERS = /* @__PURE__ */ new Set([
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "presigned-expires",
  "expect",
  "x-amzn-trace-id",
  "range",
  "connection"
]);
var AwsClient = class {
  constructor({ accessKeyId, secretAccessKey, sessionToken, service, region, cache, retries, initRetryMs }) {
    if (accessKeyId == null) throw new TypeError("accessKeyId is a required option");
    if (secretAccessKey == null) throw new TypeError("secretAccessKey is a required option");
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    this.service = service;
    this.region = region;
    this.cache = cache || /* @__PURE__ */ new Map();
    this.retries = retries != null ? retries : 10;
    this.initRetryMs = initRetryMs || 50;
  }
  async sign(input, init) {
    if (input instanceof Request) {
      const { method, url, headers, body } = input;
      init = Object.assign({ method, url, headers }, init);
      if (init.body == null && headers.has("Content-Type")) {
        init.body = body != null && headers.has("X-Amz-Content-Sha256") ? body : await input.clone().arrayBuffer();
      }
      input = url;
    }
    const signer = new AwsV4Signer(Object.assign({ url: input.toString() }, init, this, init && init.aws));
    const signed = Object.assign({}, init, await signer.sign());
    delete signed.aws;
    try {
      return new Request(signed.url.toString(), signed);
    } catch (e) {
      if (e instanceof TypeError) {
        return new Request(signed.url.toString(), Object.assign({ duplex: "half" }, signed));
      }
      throw e;
    }
  }
  async fetch(input, init) {
    for (let i = 0; i <= this.retries; i++) {
      const fetched = fetch(await this.sign(input, init));
      if (i === this.retries) {
        return fetched;
      }
      const res = await fetched;
      if (res.status < 500 && res.status !== 429) {
        return res;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * this.initRetryMs * Math.pow(2, i)));
    }
    throw new Error("An unknown error occurred, ensure retries is not negative");
  }
};
var AwsV4Signer = class {
  constructor({ method, url, headers, body, accessKeyId, secretAccessKey, sessionToken, service, region, cache, datetime, signQuery, appendSessionToken, allHeaders, singleEncode }) {
    if (url == null) throw new TypeError("url is a required option");
    if (accessKeyId == null) throw new TypeError("accessKeyId is a required option");
    if (secretAccessKey == null) throw new TypeError("secretAccessKey is a required option");
    this.method = method || (body ? "POST" : "GET");
    this.url = new URL(url);
    this.headers = new Headers(headers || {});
    this.body = body;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    let guessedService, guessedRegion;
    if (!service || !region) {
      [guessedService, guessedRegion] = guessServiceRegion(this.url, this.headers);
    }
    this.service = service || guessedService || "";
    this.region = region || guessedRegion || "us-east-1";
    this.cache = cache || /* @__PURE__ */ new Map();
    this.datetime = datetime || (/* @__PURE__ */ new Date()).toISOString().replace(/[:-]|\.\d{3}/g, "");
    this.signQuery = signQuery;
    this.appendSessionToken = appendSessionToken || this.service === "iotdevicegateway";
    this.headers.delete("Host");
    if (this.service === "s3" && !this.signQuery && !this.headers.has("X-Amz-Content-Sha256")) {
      this.headers.set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
    }
    const params = this.signQuery ? this.url.searchParams : this.headers;
    params.set("X-Amz-Date", this.datetime);
    if (this.sessionToken && !this.appendSessionToken) {
      params.set("X-Amz-Security-Token", this.sessionToken);
    }
    this.signableHeaders = ["host", ...this.headers.keys()].filter((header) => allHeaders || !UNSIGNABLE_HEADERS.has(header)).sort();
    this.signedHeaders = this.signableHeaders.join(";");
    this.canonicalHeaders = this.signableHeaders.map((header) => header + ":" + (header === "host" ? this.url.host : (this.headers.get(header) || "").replace(/\s+/g, " "))).join("\n");
    this.credentialString = [this.datetime.slice(0, 8), this.region, this.service, "aws4_request"].join("/");
    if (this.signQuery) {
      if (this.service === "s3" && !params.has("X-Amz-Expires")) {
        params.set("X-Amz-Expires", "86400");
      }
      params.set("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
      params.set("X-Amz-Credential", this.accessKeyId + "/" + this.credentialString);
      params.set("X-Amz-SignedHeaders", this.signedHeaders);
    }
    if (this.service === "s3") {
      try {
        this.encodedPath = decodeURIComponent(this.url.pathname.replace(/\+/g, " "));
      } catch (e) {
        this.encodedPath = this.url.pathname;
      }
    } else {
      this.encodedPath = this.url.pathname.replace(/\/+/g, "/");
    }
    if (!singleEncode) {
      this.encodedPath = encodeURIComponent(this.encodedPath).replace(/%2F/g, "/");
    }
    this.encodedPath = encodeRfc3986(this.encodedPath);
    const seenKeys = /* @__PURE__ */ new Set();
    this.encodedSearch = [...this.url.searchParams].filter(([k]) => {
      if (!k) return false;
      if (this.service === "s3") {
        if (seenKeys.has(k)) return false;
        seenKeys.add(k);
      }
      return true;
    }).map((pair) => pair.map((p) => encodeRfc3986(encodeURIComponent(p)))).sort(([k1, v1], [k2, v2]) => k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0).map((pair) => pair.join("=")).join("&");
  }
  async sign() {
    if (this.signQuery) {
      this.url.searchParams.set("X-Amz-Signature", await this.signature());
      if (this.sessionToken && this.appendSessionToken) {
        this.url.searchParams.set("X-Amz-Security-Token", this.sessionToken);
      }
    } else {
      this.headers.set("Authorization", await this.authHeader());
    }
    return {
      method: this.method,
      url: this.url,
      headers: this.headers,
      body: this.body
    };
  }
  async authHeader() {
    return [
      "AWS4-HMAC-SHA256 Credential=" + this.accessKeyId + "/" + this.credentialString,
      "SignedHeaders=" + this.signedHeaders,
      "Signature=" + await this.signature()
    ].join(", ");
  }
  async signature() {
    const date = this.datetime.slice(0, 8);
    const cacheKey = [this.secretAccessKey, date, this.region, this.service].join();
    let kCredentials = this.cache.get(cacheKey);
    if (!kCredentials) {
      const kDate = await hmac("AWS4" + this.secretAccessKey, date);
      const kRegion = await hmac(kDate, this.region);
      const kService = await hmac(kRegion, this.service);
      kCredentials = await hmac(kService, "aws4_request");
      this.cache.set(cacheKey, kCredentials);
    }
    return buf2hex(await hmac(kCredentials, await this.stringToSign()));
  }
  async stringToSign() {
    return [
      "AWS4-HMAC-SHA256",
      this.datetime,
      this.credentialString,
      buf2hex(await hash(await this.canonicalString()))
    ].join("\n");
  }
  async canonicalString() {
    return [
      this.method.toUpperCase(),
      this.encodedPath,
      this.encodedSearch,
      this.canonicalHeaders + "\n",
      this.signedHeaders,
      await this.hexBodyHash()
    ].join("\n");
  }
  async hexBodyHash() {
    let hashHeader = this.headers.get("X-Amz-Content-Sha256") || (this.service === "s3" && this.signQuery ? "UNSIGNED-PAYLOAD" : null);
    if (hashHeader == null) {
      if (this.body && typeof this.body !== "string" && !("byteLength" in this.body)) {
        throw new Error("body must be a string, ArrayBuffer or ArrayBufferView, unless you include the X-Amz-Content-Sha256 header");
      }
      hashHeader = buf2hex(await hash(this.body || ""));
    }
    return hashHeader;
  }
};
async function hmac(key, string) {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    typeof key === "string" ? encoder.encode(key) : key,
    { name: "HMAC", hash: { name: "SHA-256" } },
    false,
    ["sign"]
  );
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(string));
}
async function hash(content) {
  return crypto.subtle.digest("SHA-256", typeof content === "string" ? encoder.encode(content) : content);
}
var HEX_CHARS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];
function buf2hex(arrayBuffer) {
  const buffer = new Uint8Array(arrayBuffer);
  let out = "";
  for (let idx = 0; idx < buffer.length; idx++) {
    const n = buffer[idx];
    out += HEX_CHARS[n >>> 4 & 15];
    out += HEX_CHARS[n & 15];
  }
  return out;
}
function encodeRfc3986(urlEncodedStr) {
  return urlEncodedStr.replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}
function guessServiceRegion(url, headers) {
  const { hostname, pathname } = url;
  if (hostname.endsWith(".on.aws")) {
    const match2 = hostname.match(/^[^.]{1,63}\.lambda-url\.([^.]{1,63})\.on\.aws$/);
    return match2 != null ? ["lambda", match2[1] || ""] : ["", ""];
  }
  if (hostname.endsWith(".r2.cloudflarestorage.com")) {
    return ["s3", "auto"];
  }
  if (hostname.endsWith(".backblazeb2.com")) {
    const match2 = hostname.match(/^(?:[^.]{1,63}\.)?s3\.([^.]{1,63})\.backblazeb2\.com$/);
    return match2 != null ? ["s3", match2[1] || ""] : ["", ""];
  }
  const match = hostname.replace("dualstack.", "").match(/([^.]{1,63})\.(?:([^.]{0,63})\.)?amazonaws\.com(?:\.cn)?$/);
  let service = match && match[1] || "";
  let region = match && match[2];
  if (region === "us-gov") {
    region = "us-gov-west-1";
  } else if (region === "s3" || region === "s3-accelerate") {
    region = "us-east-1";
    service = "s3";
  } else if (service === "iot") {
    if (hostname.startsWith("iot.")) {
      service = "execute-api";
    } else if (hostname.startsWith("data.jobs.iot.")) {
      service = "iot-jobs-data";
    } else {
      service = pathname === "/mqtt" ? "iotdevicegateway" : "iotdata";
    }
  } else if (service === "autoscaling") {
    const targetPrefix = (headers.get("X-Amz-Target") || "").split(".")[0];
    if (targetPrefix === "AnyScaleFrontendService") {
      service = "application-autoscaling";
    } else if (targetPrefix === "AnyScaleScalingPlannerFrontendService") {
      service = "autoscaling-plans";
    }
  } else if (region == null && service.startsWith("s3-")) {
    region = service.slice(3).replace(/^fips-|^external-1/, "");
    service = "s3";
  } else if (service.endsWith("-fips")) {
    service = service.slice(0, -5);
  } else if (region && /-\d$/.test(service) && !/-\d$/.test(region)) {
    [service, region] = [region, service];
  }
  return [HOST_SERVICES[service] || service, region || ""];
}

// src/deploy/errors.ts
var PushError = class extends Error {
  constructor(step, message, details = {}) {
    super(`${step}: ${message}`);
    this.step = step;
    this.status = details.status;
    this.transient = details.transient ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
  step;
  name = "PushError";
  status;
  transient;
  retryAfterMs;
};
function excerpt(body, limit = 600) {
  const text = body.replace(/\s+/g, " ").trim();
  return text.length > limit ? `${text.slice(0, limit)}\u2026` : text;
}
function describeNetworkError(error) {
  const e = error;
  if (e?.name === "TimeoutError") return "no answer in time (timeout)";
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `connection failed (${cause ?? e?.message ?? String(error)})`;
}
function stopReason(signal) {
  return typeof signal.reason === "string" ? signal.reason : "another upload failed";
}

// src/deploy/retry.ts
var DEFAULT_RETRY = { attempts: 5, baseDelayMs: 1e3, maxDelayMs: 2e4 };
async function withRetry(call, policy, log, signal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof PushError) || !error.transient || attempt >= policy.attempts)
        throw error;
      if (signal?.aborted) throw error;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.min(
        policy.maxDelayMs,
        error.retryAfterMs ?? Math.round(backoff / 2 + Math.random() * backoff / 2)
      );
      log(
        `${error.message}; trying again in ${(delay / 1e3).toFixed(1)}s (attempt ${attempt + 1} of ${policy.attempts})`
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
function retryAfterMs(header) {
  if (!header) return void 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1e3;
  const date = Date.parse(header);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - Date.now());
}
function isTransientStatus(status) {
  return status >= 500 || status === 429;
}

// src/deploy/storage.ts
var PART_SIZE = 5 * 1024 * 1024;
var S3Storage = class {
  constructor(credentials, options) {
    this.options = options;
    this.client = new AwsClient({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      service: "s3",
      region: credentials.region,
      retries: 0
      // retried here, the same way as the platform calls
    });
    const origin = new URL(`${credentials.scheme}://${credentials.host}:${credentials.port}`);
    this.base = `${origin.origin}/${encodeURIComponent(credentials.bucket)}`;
    this.location = `s3://${credentials.bucket}`;
  }
  options;
  client;
  base;
  location;
  async upload(key, file, signal) {
    const partSize = this.options.partSize ?? PART_SIZE;
    const { size } = await stat(file);
    const count = Math.max(1, Math.ceil(size / partSize));
    const url = `${this.base}/${key.split("/").map(encodeURIComponent).join("/")}`;
    const step = `upload ${key}`;
    const initiated = await this.send(step, "POST", `${url}?uploads`);
    const uploadId = xmlValue(initiated, "UploadId");
    if (!uploadId) throw new PushError(step, `no UploadId in the answer: ${excerpt(initiated)}`);
    const target = `${url}?uploadId=${encodeURIComponent(uploadId)}`;
    if (signal?.aborted) {
      await this.abort(step, target);
      throw new PushError(step, `stopped: ${stopReason(signal)}`);
    }
    const stop = new AbortController();
    const partSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let failure;
    const handle = await open(file, "r");
    try {
      const etags = new Array(count);
      let next = 0;
      const worker = async () => {
        try {
          while (next < count && !partSignal.aborted) {
            const index = next++;
            const length = Math.min(partSize, size - index * partSize);
            const chunk = Buffer.alloc(length);
            if (length) await handle.read(chunk, 0, length, index * partSize);
            etags[index] = await this.putPart(
              `${step} (part ${index + 1} of ${count})`,
              `${url}?partNumber=${index + 1}&uploadId=${encodeURIComponent(uploadId)}`,
              chunk,
              partSignal
            );
          }
        } catch (error) {
          failure ??= error;
          stop.abort();
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(count, this.options.partConcurrency ?? 4) }, worker)
      );
      if (!failure && signal?.aborted)
        failure = new PushError(step, `stopped: ${stopReason(signal)}`);
      if (!failure) {
        const body = `<CompleteMultipartUpload>${etags.map(
          (etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`
        ).join("")}</CompleteMultipartUpload>`;
        try {
          const completed = await this.send(step, "POST", target, Buffer.from(body), signal);
          if (/<Error>/.test(completed))
            failure = new PushError(step, `the upload did not complete: ${excerpt(completed)}`);
        } catch (error) {
          failure = error;
        }
      }
    } finally {
      await handle.close();
    }
    if (failure) {
      await this.abort(step, target);
      throw failure instanceof PushError ? failure : new PushError(step, failure.message ?? String(failure));
    }
    this.options.log(`uploaded ${key} (${size} bytes, ${count} part${count === 1 ? "" : "s"})`);
    return { key, size, parts: count };
  }
  async putPart(step, url, chunk, signal) {
    let etag = "";
    await this.send(step, "PUT", url, chunk, signal, (response) => {
      etag = response.headers.get("etag") ?? "";
    });
    if (!etag) throw new PushError(step, "the storage did not return an ETag for the part");
    return etag;
  }
  /** Best effort: a failed abort is logged, the original error is what the user needs. */
  async abort(step, target) {
    try {
      await this.send(`${step} (abort)`, "DELETE", target);
      this.options.log(`${step}: aborted the multipart upload`);
    } catch (error) {
      this.options.log(
        `${step}: could not abort the multipart upload (${error.message}); the bucket's lifecycle rules must clean it up`
      );
    }
  }
  /** One signed request, tried again on 5xx, 429, dropped connections and timeouts. */
  send(step, method, url, body, signal, onResponse) {
    const { redact, retry, log, timeoutMs = 12e4 } = this.options;
    const payload = body ?? Buffer.alloc(0);
    const hash2 = createHash("sha256").update(payload).digest("hex");
    return withRetry(
      async () => {
        let response;
        try {
          const request = await this.client.sign(url, {
            method,
            headers: { "x-amz-content-sha256": hash2 },
            ...body && { body }
          });
          const timeout = AbortSignal.timeout(timeoutMs);
          response = await fetch(request, {
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout
          });
        } catch (error) {
          if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`);
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true });
        }
        const text = await response.text().catch(() => "");
        if (response.ok) {
          onResponse?.(response);
          return text;
        }
        const code = xmlValue(text, "Code");
        const message = xmlValue(text, "Message");
        const detail = code ? `${code}${message ? `: ${message}` : ""}` : excerpt(text);
        const ms = retryAfterMs(response.headers.get("retry-after"));
        throw new PushError(
          step,
          redact(`${method} answered HTTP ${response.status}${detail ? ` (${detail})` : ""}`),
          {
            status: response.status,
            transient: isTransientStatus(response.status),
            ...ms !== void 0 && { retryAfterMs: ms }
          }
        );
      },
      retry,
      (line) => log(redact(line)),
      signal
    );
  }
};
function xmlValue(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function xmlEscape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// src/deploy/dry-run.ts
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
  async findDeployment(hash2) {
    this.call(
      "GET",
      `/publish/deployments/${encodeURIComponent(hash2)}`,
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
    const { size } = await stat2(file);
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
  async findDeployment(hash2) {
    const path = `/publish/deployments/${encodeURIComponent(hash2)}`;
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
import { readdir, stat as stat3 } from "node:fs/promises";
import { join, relative, sep } from "node:path";
var isPackageFile = (name) => name.endsWith(".apk") || name === "APKINDEX.tar.gz";
async function collectPushFiles(dir, stack) {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    const code = error.code;
    throw new Error(
      code === "ENOENT" ? `no packages directory ${dir}: build or merge first, or point packages-dir at it` : `cannot read ${dir}: ${error.message}`,
      { cause: error }
    );
  }
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
      size: (await stat3(path)).size
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
import { createHash as createHash2 } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/deploy/archive.ts
import { createReadStream } from "node:fs";
import { open as open2 } from "node:fs/promises";
import { crc32 } from "node:zlib";
var LIMIT = 4294967295;
var DOS_DATE = 0 << 9 | 1 << 5 | 1;
var DOS_TIME = 0;
var UTF8_NAMES = 2048;
var UNIX_FILE = 33188 << 16 >>> 0;
async function writeArchive(target, entries) {
  if (entries.length > 65535)
    throw new Error(`${entries.length} files are more than a zip without zip64 holds (65535)`);
  const out = await open2(target, "w");
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
  const stop = new AbortController();
  const signal = cancel ? AbortSignal.any([cancel, stop.signal]) : stop.signal;
  const done = [];
  let failure;
  const run = async (queue) => {
    let next = 0;
    const worker = async () => {
      while (next < queue.length && !signal.aborted) {
        const item = queue[next++];
        try {
          done.push(await storage.upload(item.key, item.path, signal));
        } catch (error) {
          failure ??= error;
          stop.abort();
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker)
    );
  };
  await run(first);
  if (!failure) await run(last);
  if (failure) throw failure;
  stopIfCancelled("upload", cancel);
  const order = [...first, ...last].map((i) => i.key);
  return done.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}
function archiveId(plan) {
  const name = ["pakman-archive", plan.owner, plan.repo, plan.hash, plan.stack ?? ""].join("\n");
  const bytes = createHash2("sha1").update(NAMESPACE).update(name).digest().subarray(0, 16);
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
  const hash2 = settings.hash?.trim();
  if (!hash2 || !/^[A-Za-z0-9._-]+$/.test(hash2))
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
  return { repository, hash: hash2, ref, endpoint };
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

// src/deploy/secrets.ts
var Secrets = class {
  /** `masked`: secrets the caller has masked already (onAdd is not called for them). */
  constructor(onAdd = () => {
  }, masked = []) {
    this.onAdd = onAdd;
    for (const value of masked) if (value) this.values.add(value);
  }
  onAdd;
  values = /* @__PURE__ */ new Set();
  add(value) {
    if (!value || this.values.has(value)) return;
    this.values.add(value);
    this.onAdd(value);
  }
  redact(text) {
    let out = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(value).join("***");
    return out;
  }
};

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

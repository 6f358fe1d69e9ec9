#!/usr/bin/env node
import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DirectoryCache,
  buildStage,
  formatDiagnostic,
  jsonSchema,
  loadConfigFile,
  renderStage
} from "./chunks/chunk-MX7IQUQH.js";
import "./chunks/chunk-566SJ2D4.js";

// src/cli.ts
import { readFile as readFile2 } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { basename as basename2, isAbsolute, join as join2, relative, resolve } from "node:path";

// src/apk/repository.ts
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

// src/apk/verify.ts
import { createHash, createPublicKey, verify as rsaVerify } from "node:crypto";

// src/apk/streams.ts
import { crc32, inflateRawSync } from "node:zlib";
var ArchiveError = class extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
    this.name = "ArchiveError";
  }
  kind;
};
var FHCRC = 2;
var FEXTRA = 4;
var FNAME = 8;
var FCOMMENT = 16;
function splitGzipMembers(file) {
  const members = [];
  let offset = 0;
  while (offset < file.length) {
    members.push(readMember(file, offset));
    offset += members.at(-1).raw.length;
  }
  return members;
}
function readMember(file, offset) {
  const at = (n) => {
    if (offset + n >= file.length)
      throw new ArchiveError("BAD_ARCHIVE", `file ends inside the gzip header at ${offset}`);
    return file[offset + n];
  };
  if (at(0) !== 31 || at(1) !== 139 || at(2) !== 8) {
    throw new ArchiveError("BAD_ARCHIVE", `no gzip member at offset ${offset}`);
  }
  const flags = at(3);
  let pos = offset + 10;
  if (flags & FEXTRA) pos += 2 + file.readUInt16LE(pos);
  if (flags & FNAME) pos = file.indexOf(0, pos) + 1;
  if (flags & FCOMMENT) pos = file.indexOf(0, pos) + 1;
  if (flags & FHCRC) pos += 2;
  if (pos <= offset || pos > file.length)
    throw new ArchiveError("BAD_ARCHIVE", `file ends inside the gzip header at ${offset}`);
  let content;
  let consumed;
  try {
    const { buffer, engine } = inflateRawSync(file.subarray(pos), { info: true });
    content = buffer;
    consumed = engine.bytesWritten;
  } catch (error) {
    const message = error.message;
    if (/unexpected end/i.test(message))
      throw new ArchiveError("BAD_ARCHIVE", `file ends inside the gzip member at ${offset}`);
    throw new ArchiveError("IO_ERROR", `gzip member at ${offset} is damaged: ${message}`);
  }
  const trailer = pos + consumed;
  if (trailer + 8 > file.length)
    throw new ArchiveError(
      "BAD_ARCHIVE",
      `file ends before the gzip trailer of the member at ${offset}`
    );
  if (file.readUInt32LE(trailer) !== crc32(content) || file.readUInt32LE(trailer + 4) !== content.length % 2 ** 32) {
    throw new ArchiveError("IO_ERROR", `gzip member at ${offset} fails its CRC or length check`);
  }
  return { offset, raw: file.subarray(offset, trailer + 8), content };
}

// src/apk/tar.ts
var BLOCK = 512;
function readTar(archive) {
  const entries = [];
  let offset = 0;
  let pax = {};
  let longName;
  let longLink;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw new Error(`tar header at ${offset} has a bad checksum`);
    const size = octal(header.subarray(124, 136));
    const typeflag = String.fromCharCode(header[156]);
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw new Error(`tar entry at ${offset} is cut short`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === "x") {
      pax = { ...pax, ...parsePax(body) };
      continue;
    }
    if (typeflag === "g") continue;
    if (typeflag === "L") {
      longName = cString(body);
      continue;
    }
    if (typeflag === "K") {
      longLink = cString(body);
      continue;
    }
    const prefix = isUstar(header) ? cString(header.subarray(345, 500)) : "";
    const name = cString(header.subarray(0, 100));
    const linkname = header.subarray(157, 257);
    entries.push({
      path: pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name),
      type: TYPES[typeflag] ?? "other",
      mode: octal(header.subarray(100, 108)),
      uid: octal(header.subarray(108, 116)),
      gid: octal(header.subarray(116, 124)),
      size,
      mtime: octal(header.subarray(136, 148)),
      linkTarget: pax.linkpath ?? longLink ?? (typeflag === "0" || typeflag === "\0" ? "" : cString(linkname)),
      linknameField: trimNul(linkname),
      pax,
      content: body
    });
    pax = {};
    longName = void 0;
    longLink = void 0;
  }
  return entries;
}
var TYPES = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "5": "dir",
  "2": "symlink",
  "1": "hardlink",
  "6": "fifo",
  "3": "char",
  "4": "block"
};
function parsePax(body) {
  const records = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(32, pos);
    if (space < 0) break;
    const length = Number(body.subarray(pos, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, pos + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    records[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return records;
}
function checksumOk(header) {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === octal(header.subarray(148, 156));
}
function isUstar(header) {
  return header.subarray(257, 263).toString("latin1") === "ustar\0";
}
function octal(field) {
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}
function cString(field) {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString("utf8");
}
function trimNul(field) {
  let end = field.length;
  while (end > 0 && field[end - 1] === 0) end--;
  return field.subarray(0, end);
}

// src/apk/verify.ts
function trustedKeys(entries) {
  return new Map([...entries].map(([name, pem]) => [name, createPublicKey(pem)]));
}
var DIGESTS = { RSA: "sha1", RSA256: "sha256", RSA512: "sha512" };
function readPackage(file) {
  const members = splitGzipMembers(file);
  const first = readTar(members[0]?.content ?? Buffer.alloc(0));
  const signed = first.length > 0 && first.every((e) => e.path.startsWith(".SIGN."));
  const [control, data] = signed ? [members[1], members[2]] : [members[0], members[1]];
  if (!control) throw new ArchiveError("BAD_ARCHIVE", "no control stream");
  const controlEntries = readTar(control.content);
  const pkginfoEntry = controlEntries.find((e) => e.path === ".PKGINFO");
  if (!pkginfoEntry) throw new ArchiveError("BAD_ARCHIVE", "no .PKGINFO in the control stream");
  return {
    members,
    signatures: signed ? first.map(signatureOf) : [],
    control: controlEntries,
    data: data ? readTar(data.content) : [],
    pkginfo: parseKeyValues(pkginfoEntry.content.toString("utf8")),
    identity: `Q1${createHash("sha1").update(control.raw).digest("base64")}`
  };
}
function verifyPackage(file, keys) {
  let pkg;
  try {
    pkg = readPackage(file);
  } catch (error) {
    return archiveFailure(error);
  }
  const signedIndex = pkg.signatures.length ? 1 : 0;
  const control = pkg.members[signedIndex];
  const data = pkg.members[signedIndex + 1];
  const datahash = pkg.pkginfo.find(([key]) => key === "datahash")?.[1];
  const signedBytes = datahash || !data ? control.raw : Buffer.concat([control.raw, data.raw]);
  const signature = checkSignatures(pkg.signatures, signedBytes, keys);
  if (signature.verdict !== "OK") return signature;
  if (datahash) {
    if (!data) return { verdict: "BAD_ARCHIVE", reason: "no data stream" };
    const actual = createHash("sha256").update(data.raw).digest("hex");
    if (actual !== datahash)
      return {
        verdict: "BAD_SIGNATURE",
        reason: `data stream sha256 ${actual} is not the datahash ${datahash}`
      };
  }
  for (const entry of pkg.data) {
    const expected = entry.pax["APK-TOOLS.checksum.SHA1"];
    if (!expected) continue;
    const content = entry.type === "symlink" ? entry.linknameField : entry.content;
    const actual = createHash("sha1").update(content).digest("hex");
    if (actual !== expected)
      return {
        verdict: "BAD_SIGNATURE",
        reason: `${entry.path}: SHA-1 ${actual} is not the recorded ${expected}`
      };
  }
  return signature;
}
function readIndex(file) {
  const members = splitGzipMembers(file);
  const first = readTar(members[0]?.content ?? Buffer.alloc(0));
  const signed = first.length > 0 && first.every((e) => e.path.startsWith(".SIGN."));
  const body = members[signed ? 1 : 0];
  if (!body) throw new ArchiveError("BAD_ARCHIVE", "no index stream");
  const files = readTar(body.content);
  const text = files.find((e) => e.path === "APKINDEX")?.content.toString("utf8");
  if (text === void 0) throw new ArchiveError("BAD_ARCHIVE", "no APKINDEX in the index stream");
  return {
    members,
    signatures: signed ? first.map(signatureOf) : [],
    description: files.find((e) => e.path === "DESCRIPTION")?.content.toString("utf8") ?? "",
    entries: parseIndexText(text)
  };
}
function verifyIndex(file, keys) {
  let index;
  try {
    index = readIndex(file);
  } catch (error) {
    return archiveFailure(error);
  }
  return checkSignatures(
    index.signatures,
    index.members[index.signatures.length ? 1 : 0].raw,
    keys
  );
}
function parseIndexText(text) {
  return text.split(/\n\n+/).map((block) => block.split("\n").filter(Boolean)).filter((lines) => lines.length).map((lines) => {
    const fields = lines.map((line) => [line.slice(0, 1), line.slice(2)]);
    const get = (letter) => fields.find(([l]) => l === letter)?.[1] ?? "";
    return {
      fields,
      name: get("P"),
      version: get("V"),
      checksum: get("C"),
      size: Number(get("S")),
      arch: get("A")
    };
  });
}
function checkSignatures(signatures, signed, keys) {
  const trusted = signatures.filter((s) => keys.has(s.keyName));
  if (!trusted.length) {
    return {
      verdict: "UNTRUSTED",
      reason: signatures.length ? `signed by ${signatures.map((s) => s.keyName).join(", ")}, which is not trusted` : "not signed"
    };
  }
  for (const signature of trusted) {
    const ok = rsaVerify(
      DIGESTS[signature.algorithm],
      signed,
      keys.get(signature.keyName),
      signature.bytes
    );
    if (!ok) {
      return {
        verdict: "BAD_SIGNATURE",
        reason: `the ${signature.algorithm} signature by ${signature.keyName} does not match`
      };
    }
  }
  return { verdict: "OK", reason: "signature verified", signedBy: trusted[0].keyName };
}
function signatureOf(entry) {
  const match = /^\.SIGN\.(RSA|RSA256|RSA512)\.(.+)$/.exec(entry.path);
  if (!match) throw new ArchiveError("BAD_ARCHIVE", `unknown signature entry ${entry.path}`);
  return { algorithm: match[1], keyName: match[2], bytes: entry.content };
}
function parseKeyValues(text) {
  return text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) => {
    const eq = line.indexOf(" = ");
    return eq < 0 ? [line.trim(), ""] : [line.slice(0, eq), line.slice(eq + 3)];
  });
}
function archiveFailure(error) {
  if (error instanceof ArchiveError) return { verdict: error.kind, reason: error.message };
  return { verdict: "BAD_ARCHIVE", reason: error.message };
}

// src/apk/repository.ts
async function checkPaths(paths, keys) {
  const checks = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) checks.push(...await checkTree(path, keys));
    else checks.push(await checkFile(path, keys));
  }
  return checks;
}
async function checkTree(dir, keys) {
  const checks = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory()) checks.push(...await checkTree(join(dir, entry.name), keys));
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  for (const name of files.filter((f) => f.endsWith(".apk") || f === "APKINDEX.tar.gz").sort()) {
    checks.push(await checkFile(join(dir, name), keys));
  }
  if (files.includes("APKINDEX.tar.gz")) checks.push(...await checkListing(dir, files));
  return checks;
}
async function checkFile(path, keys) {
  const bytes = await readFile(path);
  const result = basename(path) === "APKINDEX.tar.gz" ? verifyIndex(bytes, keys) : verifyPackage(bytes, keys);
  return { path, verdict: result.verdict, reason: result.reason };
}
async function checkListing(dir, files) {
  const checks = [];
  let entries;
  try {
    entries = readIndex(await readFile(join(dir, "APKINDEX.tar.gz"))).entries;
  } catch {
    return checks;
  }
  const listed = /* @__PURE__ */ new Set();
  for (const entry of entries) {
    const name = `${entry.name}-${entry.version}.apk`;
    const path = join(dir, name);
    listed.add(name);
    if (!files.includes(name)) {
      checks.push({
        path,
        verdict: "MISSING",
        reason: `listed in ${join(dir, "APKINDEX.tar.gz")} but not present`
      });
      continue;
    }
    const bytes = await readFile(path);
    let identity;
    try {
      identity = readPackage(bytes).identity;
    } catch {
      continue;
    }
    if (identity !== entry.checksum || bytes.length !== entry.size) {
      checks.push({
        path,
        verdict: "MISMATCH",
        reason: `the index says C:${entry.checksum} S:${entry.size}, the file is C:${identity} S:${bytes.length}`
      });
    }
  }
  for (const name of files.filter((f) => f.endsWith(".apk") && !listed.has(f))) {
    checks.push({
      path: join(dir, name),
      verdict: "NOT_LISTED",
      reason: `not in ${join(dirname(join(dir, name)), "APKINDEX.tar.gz")}`
    });
  }
  return checks;
}

// src/cli.ts
import { parseArgs } from "node:util";
var USAGE = `pakman: build Alpine packages from instellar.yml

Usage:
  pakman check     [--config instellar.yml]
  pakman bootstrap [--config F] [--workspace DIR] [--repository OWNER/NAME] [--version V] [--build N]
  pakman build     [bootstrap's flags] [--stack alpine/3.N] [--arch ARCH] [--image REF]
                   [--signing-key FILE] [--signing-key-name NAME] [--packages-dir DIR] [--no-cache]
  pakman verify     DIR-OR-FILE... --key NAME.rsa.pub [--key \u2026]
  pakman schema

check      validate the config; prints file:line:col: messages, exits 1 on errors
bootstrap  render the recipe into <workspace>/.apk/<owner>/<name>; prints the directory
build      render, then run abuild in an Alpine container; prints each package written
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
        const loaded = await loadConfigFile(configFile);
        report(loaded.diagnostics);
        if (!loaded.ok) return 1;
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
              signingKey: await readFile2(values["signing-key"], "utf8")
            },
            ...values["signing-key-name"] !== void 0 && {
              keyName: values["signing-key-name"]
            },
            packagesDir: values["packages-dir"] ?? join2(homedir(), "packages"),
            keyParent: tmpdir(),
            ...!values["no-cache"] && { cache: new DirectoryCache() }
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
              basename2(file),
              await readFile2(file, "utf8")
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

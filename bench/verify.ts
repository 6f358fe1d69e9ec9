// Peak memory and time of `pakman verify` on one generated package per size given (in MB, of the
// .apk on disk; default 600). The package is written streaming (bench/apk-writer.ts), signed with a
// throwaway key, and verified by dist/cli.js in a child whose peak RSS is measured by /usr/bin/time
// when present, else by polling /proc/<pid>/status (VmHWM).
// Usage: node_modules/.bin/node bench/verify.ts [--cli dist/cli.js ...] [--runs N] [MB ...]
// (Node strips the types.)
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { generatedFiles, writeApk } from './apk-writer.ts'

const { values, positionals } = parseArgs({
  options: {
    // Several --cli compare builds (e.g. a copy of an older dist/) on the same package, in turn.
    cli: { type: 'string', multiple: true, default: ['dist/cli.js'] },
    runs: { type: 'string', default: '1' },
  },
  allowPositionals: true,
})
const clis = values.cli.map((c) => resolve(c))
const sizes = positionals.length ? positionals.map(Number) : [600]
const MB = 1024 * 1024

const work = await mkdtemp(join(tmpdir(), 'pakman-bench-verify-'))
try {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyFile = join(work, 'bench@example.invalid-00000000.rsa.pub')
  await writeFile(keyFile, publicKey.export({ type: 'spki', format: 'pem' }))
  for (const size of sizes) {
    const apk = join(work, `big-app-${size}mb.apk`)
    const started = performance.now()
    const written = await writeApk(apk, generatedFiles(4 * MB), {
      key: privateKey,
      keyName: 'bench@example.invalid-00000000.rsa.pub',
      level: 1,
      stopAfter: size * MB,
    })
    const made = (performance.now() - started) / 1000
    console.log(
      `${(written.size / MB).toFixed(0)} MB package (${(written.inflatedSize / MB).toFixed(0)} MB inflated, ${written.files} files, made in ${made.toFixed(1)}s)`,
    )
    for (let i = 0; i < Number(values.runs); i++) {
      for (const cli of clis) {
        const run = await measure(process.execPath, [cli, 'verify', '--key', keyFile, apk])
        console.log(
          `  ${cli}: peak RSS ${(run.peakKiB / 1024).toFixed(0)} MB, ${run.seconds.toFixed(2)}s, exit ${run.code}: ${run.stdout.trim().replace(work, '.')}`,
        )
        if (run.code !== 0) process.exitCode = 1
      }
    }
    await rm(apk)
  }
} finally {
  await rm(work, { recursive: true, force: true })
}

/** Runs a command; its wall time and peak resident set in KiB. */
async function measure(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; seconds: number; peakKiB: number }> {
  const timed = existsSync('/usr/bin/time')
  const started = performance.now()
  const child = timed
    ? spawn('/usr/bin/time', ['-f', 'pakman-bench-maxrss %M', command, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += c))
  child.stderr.on('data', (c) => (stderr += c))
  let polled = 0
  const poll = timed
    ? undefined
    : setInterval(async () => {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '')
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
        polled = Math.max(polled, hwm)
      }, 20)
  const code = await new Promise<number | null>((done) => child.on('close', done))
  clearInterval(poll)
  const seconds = (performance.now() - started) / 1000
  const reported = /pakman-bench-maxrss (\d+)/.exec(stderr)
  if (timed && !reported) throw new Error(`no peak RSS from /usr/bin/time: ${stderr}`)
  return { code, stdout, seconds, peakKiB: reported ? Number(reported[1]) : polled }
}

import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatDiagnostic, loadConfigFile, parseConfig } from '../src/config/index.js'
import { MAX_CONFIG_BYTES } from '../src/config/load.js'
import { MINIMAL } from './fixtures/minimal.js'

/* What is given as the config file is checked before it is read, and read only up to a limit. */

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pakman-config-limits-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const load = async (file: string) => {
  const result = await loadConfigFile(file)
  return { ok: result.ok, lines: result.diagnostics.map(formatDiagnostic) }
}

describe('reading the config file', () => {
  it('reads a normal file', async () => {
    await writeFile(join(dir, 'instellar.yml'), MINIMAL)
    expect(await load(join(dir, 'instellar.yml'))).toEqual({ ok: true, lines: [] })
  })

  it('says a directory is one and where the file would be, not EISDIR', async () => {
    const app = join(dir, 'app')
    await mkdir(app)
    expect(await load(app)).toEqual({
      ok: false,
      lines: [
        `${app}:1:1: error: cannot read config: ${app} is a directory; expected the YAML file itself, such as ${app}/instellar.yml`,
      ],
    })
  })

  it('refuses a file over the limit without reading it', async () => {
    const big = join(dir, 'big.yml')
    await writeFile(big, '')
    await truncate(big, 2 * MAX_CONFIG_BYTES) // sparse: costs no disk
    expect(await load(big)).toEqual({
      ok: false,
      lines: [
        `${big}:1:1: error: cannot read config: the file has ${2 * MAX_CONFIG_BYTES} bytes, over the 1 MiB (${MAX_CONFIG_BYTES} bytes) a config may have; instellar.yml is usually a few KiB`,
      ],
    })
  })

  it('reads a file of exactly the limit', async () => {
    const edge = join(dir, 'edge.yml')
    const padding = MAX_CONFIG_BYTES - Buffer.byteLength(MINIMAL)
    await writeFile(edge, MINIMAL + '#'.repeat(padding - 1) + '\n')
    expect(await load(edge)).toEqual({ ok: true, lines: [] })
  })

  it('refuses the same limit for text given directly', () => {
    const text = `${MINIMAL}#${'x'.repeat(MAX_CONFIG_BYTES)}\n`
    const result = parseConfig(text, 'instellar.yml')
    expect(result.ok).toBe(false)
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      `instellar.yml:1:1: error: cannot read config: the file has ${Buffer.byteLength(text)} bytes, over the 1 MiB (${MAX_CONFIG_BYTES} bytes) a config may have; instellar.yml is usually a few KiB`,
    ])
  })

  it('refuses /dev/zero at once, without reading it', async () => {
    const before = process.memoryUsage().rss
    const started = Date.now()
    expect(await load('/dev/zero')).toEqual({
      ok: false,
      lines: [
        '/dev/zero:1:1: error: cannot read config: /dev/zero is a character device, not a regular file',
      ],
    })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024)
  })

  it('refuses a FIFO without waiting for a writer', { timeout: 5000 }, async () => {
    const fifo = join(dir, 'pipe.yml')
    execFileSync('mkfifo', [fifo])
    expect(await load(fifo)).toEqual({
      ok: false,
      lines: [`${fifo}:1:1: error: cannot read config: ${fifo} is a FIFO, not a regular file`],
    })
  })

  it('still says a missing file is missing', async () => {
    expect((await load(join(dir, 'nope.yml'))).lines).toEqual([
      `${join(dir, 'nope.yml')}:1:1: error: cannot read config: file not found`,
    ])
  })
})

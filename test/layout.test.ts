import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/run.js'

/*
 * `npm run test:fast` leaves out test/docker/ and nothing else, so test/docker/ must hold every
 * test that needs a Docker daemon: a test file outside it that reaches the daemon (through the
 * helpers that start containers, or a `docker` of its own) would make the quick loop need one.
 */

const TEST = join(ROOT, 'test')
const DAEMON = [
  /helpers\/docker\.js'/,
  /helpers\/openrc\.js'/,
  /\bdockerAvailable\b/,
  /(spawn|exec|execFile)(Sync)?\(\s*'docker'/,
]

describe('the test layout', () => {
  it('keeps every test that needs a Docker daemon under test/docker/', () => {
    // (this file names the patterns, and reaches no daemon)
    const outside = readdirSync(TEST).filter(
      (name) => name.endsWith('.test.ts') && name !== 'layout.test.ts',
    )
    expect(outside.length).toBeGreaterThan(10)
    for (const name of outside) {
      const text = readFileSync(join(TEST, name), 'utf8')
      for (const pattern of DAEMON) expect(text, `test/${name}`).not.toMatch(pattern)
    }
    // the patterns find what the Docker tests do use
    const build = readFileSync(join(TEST, 'docker/build.test.ts'), 'utf8')
    expect(DAEMON.some((pattern) => pattern.test(build))).toBe(true)
  })

  it('names each test file outside docker/ after the src/ folder it covers', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
    expect(folders).toContain('recipe')
    // the README's checks and this file's cover the repository, not a module
    const about = new Set(['readme.test.ts', 'layout.test.ts'])
    for (const name of readdirSync(TEST).filter((n) => n.endsWith('.test.ts') && !about.has(n)))
      expect(
        folders.some((folder) => name === `${folder}.test.ts` || name.startsWith(`${folder}-`)),
        `test/${name}`,
      ).toBe(true)
  })

  it('has npm run test:fast leave out test/docker/ only, and npm test run everything', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts.test).toBe('vitest run')
    expect(pkg.scripts['test:fast']).toBe('PAKMAN_TESTS=fast vitest run')
    const config = readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8')
    expect(config).toContain(`...(fast ? ['test/docker/**'] : [])`)
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain('npm run test:fast')
  })
})

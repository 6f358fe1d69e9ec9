import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { appConfig, makeWorkspace } from '../fixtures/workspace.js'
import { dockerAvailable, pakmanBuild, testImage } from '../helpers/docker.js'
import { runAction } from '../helpers/action.js'
import { startFakeGitHub } from '../helpers/fake-github.js'
import { scratchDirs } from '../helpers/scratch.js'

/*
 * The build cache end to end, with the real container layer and the real @actions/cache client:
 * the CLI keeps entries in a directory (XDG_CACHE_HOME), the action in the loopback Actions cache.
 * The build command plays a package manager: it reports what it finds in a tool cache directory
 * under the build user's home and in an in-tree path, adds to both, and writes credentials where
 * npm and curl keep them. The image's tar is GNU tar, as in a real build environment (abuild
 * depends on it), since build-cache-paths joins the snapshot with GNU tar's -C.
 */
const docker = dockerAvailable()
const { temp, keep } = scratchDirs()

const SECRETS = ['npm-token-0123456789', 'netrc-password-0123456789', 'cargo-token-0123456789']

/** What the build command saw, from the build log. */
function seen(log: string) {
  return {
    tool: /tool cache saw: (.*)/.exec(log)?.[1],
    tree: /in-tree saw: (.*)/.exec(log)?.[1],
    go: /GOCACHE=(\S*) GOMODCACHE=(\S*) CARGO_HOME=(\S*)/.exec(log)?.slice(1),
  }
}

const BUILD = `echo "tool cache saw: $(cat ~/.npm/runs 2>/dev/null | wc -l)"
mkdir -p ~/.npm && echo run >>~/.npm/runs
echo "//registry.example/:_authToken=${SECRETS[0]}" >~/.npmrc
echo "machine registry.example login ci password ${SECRETS[1]}" >~/.netrc
mkdir -p ~/.cargo/registry/index && echo "token = \\"${SECRETS[2]}\\"" >~/.cargo/registry/index/credentials.toml
echo "GOCACHE=$GOCACHE GOMODCACHE=$GOMODCACHE CARGO_HOME=$CARGO_HOME"
mkdir -p _build && echo built >>_build/runs && echo "in-tree saw: $(wc -l <_build/runs)"
if [ -e FAIL ]; then exit 3; fi`

/** Every byte of every entry, unpacked, as text: no secret may be found in it. */
function entryText(dir: string): string {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tar.zst'))
    .map((name) => unpacked(readFileSync(join(dir, name))))
    .join('\n')
}

/** A zstd tar's bytes (names, headers and contents) as text. */
function unpacked(entry: Buffer): string {
  return execFileSync('zstd', ['-dc'], { input: entry, maxBuffer: 1 << 28 }).toString('latin1')
}

describe.runIf(docker)('the build cache', () => {
  let image: string
  beforeAll(() => {
    image = testImage({ setup: 'ln -sf /usr/bin/gnutar /bin/tar' })
  })

  it('keeps tool caches and build-cache-paths for the CLI: hit, partial on a new lockfile, nothing saved by a failed build, never a credential', async () => {
    const workspace = keep(makeWorkspace(appConfig(BUILD)))
    writeFileSync(join(workspace, 'package-lock.json'), '{"lockfileVersion": 3}\n')
    const cacheHome = temp('pakman-cache-')
    const entries = join(cacheHome, 'pakman', 'build')
    const build = (...extra: string[]) =>
      pakmanBuild(
        workspace,
        image,
        ['--packages-dir', temp('pakman-out-'), '--build-cache-path', '_build', ...extra],
        { XDG_CACHE_HOME: cacheHome },
      )

    const first = await build()
    expect(first.code, first.stderr).toBe(0)
    expect(seen(first.stderr)).toMatchObject({ tool: '0', tree: '1' })
    // The tools' variables point into the home, not abuild's $tmpdir (wiped before each build).
    expect(seen(first.stderr).go).toEqual([
      '/pakman/home/.cache/go-build',
      '/pakman/home/.cache/go-build', // the stand-in copies GOCACHE, as abuild 3.16+ does
      '/pakman/home/.cargo',
    ])
    expect(first.stderr).toMatch(
      /build cache: miss pakman-build-\S+-x86_64-[0-9a-f]{12}-[0-9a-f]{16} .*, saved/,
    )
    expect(first.stderr).toContain('key pakman-build-')
    expect(first.stderr).toContain('from the lockfiles package-lock.json')
    expect(first.stderr).toContain(
      'left ~/.cargo/registry/index/credentials.toml out of the build cache: credentials are never cached',
    )
    const [entry] = readdirSync(entries)
    expect(readdirSync(entries)).toHaveLength(1)
    // The unpacked source went, as abuild would have removed it, after its _build was kept.
    expect(readdirSync(join(workspace, '.apk/octo/app'))).not.toContain('src')

    const second = await build()
    expect(second.code, second.stderr).toBe(0)
    expect(seen(second.stderr)).toMatchObject({ tool: '1', tree: '2' })
    expect(second.stderr).toMatch(/build cache: hit pakman-build-\S+ [^,)]+\):/)
    expect(second.stderr).not.toMatch(/build cache: hit .*saved/)
    expect(readdirSync(entries)).toEqual([entry])

    // A new lockfile: the key changes, the newest entry of the same stack and deps is restored.
    writeFileSync(join(workspace, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n')
    const third = await build()
    expect(third.code, third.stderr).toBe(0)
    expect(third.stderr).toContain('the lockfiles changed since')
    expect(seen(third.stderr)).toMatchObject({ tool: '1', tree: '2' })
    expect(third.stderr).toMatch(/build cache: partial pakman-build-\S+ .*, saved/)
    expect(readdirSync(entries)).toHaveLength(2)
    const saved = new Map(readdirSync(entries).map((n) => [n, statSync(join(entries, n)).mtimeMs]))

    // A failed build saves nothing, though its key is new.
    writeFileSync(join(workspace, 'FAIL'), '')
    writeFileSync(join(workspace, 'package-lock.json'), '{"lockfileVersion": 3, "x": 1}\n')
    const failed = await build()
    expect(failed.code).not.toBe(0)
    expect(seen(failed.stderr)).toMatchObject({ tool: '2', tree: '3' }) // the newest entry
    expect(
      new Map(readdirSync(entries).map((n) => [n, statSync(join(entries, n)).mtimeMs])),
    ).toEqual(saved)

    // --no-build-cache touches no cache: nothing restored, nothing saved.
    const off = await build('--no-build-cache')
    expect(off.code).not.toBe(0) // FAIL is still there: the build command decides
    expect(seen(off.stderr)).toMatchObject({ tool: '0', tree: '1' })
    expect(off.stderr).not.toContain('key pakman-build-')
    expect(
      new Map(readdirSync(entries).map((n) => [n, statSync(join(entries, n)).mtimeMs])),
    ).toEqual(saved)

    const text = entryText(entries)
    expect(text).toContain('.npm/runs')
    expect(text).toContain('source/_build/runs')
    for (const secret of SECRETS) expect(text).not.toContain(secret)
    expect(text).not.toMatch(/\.npmrc|\.netrc|credentials\.toml/)
  })

  it('keeps them in the Actions cache for the action: a hit the second time, and build-cache: false touches nothing', async () => {
    const github = await startFakeGitHub()
    try {
      const workspace = keep(makeWorkspace(appConfig(BUILD)))
      const runnerTemp = temp('pakman-rt-')
      const run = (inputs: Record<string, string> = {}) =>
        runAction(
          {
            image,
            'packages-dir': temp('pakman-out-'),
            cache: 'false',
            verify: 'false',
            upload: 'none',
            'build-cache-paths': '_build',
            ...inputs,
          },
          {
            ...github.env,
            GITHUB_WORKSPACE: workspace,
            GITHUB_REPOSITORY: 'octo/app',
            RUNNER_TEMP: runnerTemp,
          },
        )
      const first = await run()
      expect(first.code, first.stdout).toBe(0)
      expect(seen(first.stdout)).toMatchObject({ tool: '0', tree: '1' })
      expect(first.outputs['build-cache']).toBe('miss')
      expect(github.entries).toHaveLength(1)
      expect(github.entries[0]).toMatchObject({
        key: first.outputs['build-cache-key'],
        finalized: true,
      })
      expect(first.stdout).toContain('::group::Save build cache')
      expect(first.summary).toMatch(
        /<td>miss: <code>pakman-build-[^<]+<\/code>, [0-9.]+ \w+, saved<\/td>/,
      )

      const second = await run()
      expect(second.code, second.stdout).toBe(0)
      expect(seen(second.stdout)).toMatchObject({ tool: '1', tree: '2' })
      expect(second.outputs['build-cache']).toBe('hit')
      expect(github.entries).toHaveLength(1)

      const off = await run({ 'build-cache': 'false' })
      expect(off.code, off.stdout).toBe(0)
      expect(seen(off.stdout)).toMatchObject({ tool: '0', tree: '1' })
      expect(off.outputs['build-cache']).toBe('off')
      expect(off.stdout).not.toContain('::group::Build cache')
      expect(github.entries).toHaveLength(1)

      // The entry as the service holds it: the credentials the build wrote are not in it.
      const text = unpacked(github.blobs.get(github.entries[0]!.blob)!)
      expect(text).toContain('.npm/runs')
      for (const secret of SECRETS) expect(text).not.toContain(secret)
      expect(readdirSync(runnerTemp)).not.toContain('pakman-build-cache')
    } finally {
      await github.close()
    }
  })
})

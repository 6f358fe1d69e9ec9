import { execFileSync } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readLockfiles } from '../../src/sbom/index.js'
import { appConfig, commitAll, makeWorkspace } from '../fixtures/workspace.js'
import { dockerAvailable, pakmanBuild, testImage } from '../helpers/docker.js'
import { runNode } from '../helpers/run.js'
import { scratchDirs } from '../helpers/scratch.js'
import { spdxErrors } from '../helpers/spdx.js'

/*
 * The SBOM through a real build: the recipe's _pakman_sbom and awk program run inside the stand-in
 * abuild with busybox (sort -z, xargs, sha1sum, sha256sum, awk, date), in the -openrc split
 * function as abuild calls it. Each package's document validates against the official SPDX 2.3
 * JSON Schema and lists exactly the files apk would install, with their real checksums; the copy
 * beside the package is the same bytes; a rebuild of the same commit gives the same bytes.
 */
const docker = dockerAvailable()
const { temp, keep } = scratchDirs()
const sha = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex')

/** The package's data files (control entries left out), by path, with their content. */
function packageFiles(apk: string): Map<string, Buffer> {
  const dir = temp('pakman-unpacked-')
  // GNU tar reads the three concatenated gzip streams as one archive, as apk does.
  execFileSync('tar', ['-xzf', apk, '-C', dir, '--warning=no-unknown-keyword'], { stdio: 'pipe' })
  const files = new Map<string, Buffer>()
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && !(at === dir && entry.name.startsWith('.')))
        files.set(relative(dir, path), readFileSync(path))
    }
  }
  walk(dir)
  return files
}

describe.runIf(docker)('the SBOM in packages built in Docker', () => {
  let image: string
  beforeAll(() => {
    image = testImage()
  })

  const build = (workspace: string, packages: string, extra: string[] = []) =>
    pakmanBuild(workspace, image, ['--packages-dir', packages, '--no-build-cache', ...extra], {
      XDG_CACHE_HOME: temp('pakman-cache-'),
    })

  it('puts a valid SPDX document naming every file in each package, and the same beside it', async () => {
    const workspace = keep(makeWorkspace(appConfig()))
    const packages = temp('pakman-out-')
    const key = join(temp('pakman-key-'), 'octo.rsa')
    writeFileSync(
      key,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }),
    )
    const args = ['--pkgver', '1.4.0', '--build', '3', '--signing-key', key]
    const ran = await build(workspace, packages, args)
    expect(ran.stderr).toContain('==> Done')
    expect(ran.code).toBe(0)
    const commit = execFileSync('git', ['-C', workspace, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
    }).trim()
    const dir = join(packages, 'octo/x86_64')
    for (const name of ['app', 'app-openrc']) {
      const inside = `var/lib/db/sbom/${name}-1.4.0-r3.spdx.json`
      const files = packageFiles(join(dir, `${name}-1.4.0-r3.apk`))
      const embedded = files.get(inside)!
      expect(embedded, `${name} holds ${inside}`).toBeDefined()
      // the copy beside the package, listed in the CLI's output
      const beside = join(dir, `${name}-1.4.0-r3.spdx.json`)
      expect(readFileSync(beside)).toEqual(embedded)
      expect(ran.stdout.split('\n')).toContain(beside)

      const document = JSON.parse(embedded.toString('utf8'))
      expect(spdxErrors(document)).toEqual([])
      const listed = new Map<string, string[]>(
        document.files.map((f: { fileName: string; checksums: { checksumValue: string }[] }) => [
          f.fileName.replace(/^\.\//, ''),
          f.checksums.map((c) => c.checksumValue),
        ]),
      )
      files.delete(inside)
      expect([...listed.keys()].sort()).toEqual([...files.keys()].sort())
      for (const [path, content] of files)
        expect(listed.get(path), path).toEqual([sha('sha1', content), sha('sha256', content)])
      expect(document.packages[0]).toMatchObject({
        name,
        versionInfo: '1.4.0-r3',
        downloadLocation: `git+https://github.com/octo/app.git@${commit}`,
        externalRefs: [{ referenceLocator: `pkg:apk/octo/${name}@1.4.0-r3?arch=x86_64` }],
      })
      // created is the commit time, as abuild's builddate (makeWorkspace commits at 2025-01-01)
      expect(document.creationInfo.created).toBe('2025-01-01T00:00:00Z')
    }
    // the service's init script went to the -openrc package, and its SBOM with it
    expect([...packageFiles(join(dir, 'app-openrc-1.4.0-r3.apk')).keys()].sort()).toEqual([
      'etc/init.d/app',
      'var/lib/db/sbom/app-openrc-1.4.0-r3.spdx.json',
    ])

    // the same commit and key again: the same packages, index and documents, byte for byte
    const again = temp('pakman-out-')
    expect((await build(workspace, again, args)).code).toBe(0)
    const written = readdirSync(dir).sort()
    expect(written).toHaveLength(5)
    expect(readdirSync(join(again, 'octo/x86_64')).sort()).toEqual(written)
    for (const file of written)
      expect(readFileSync(join(again, 'octo/x86_64', file)), file).toEqual(
        readFileSync(join(dir, file)),
      )
  })

  it("lists the application's locked dependencies in the main package, with their purls", async () => {
    const workspace = keep(makeWorkspace(appConfig()))
    // an npm app with a Go service beside it, as the workspace holds them; committed
    const fixtures = join(import.meta.dirname, '../fixtures/lockfiles')
    copyFileSync(join(fixtures, 'npm/v3/package-lock.json'), join(workspace, 'package-lock.json'))
    mkdirSync(join(workspace, 'cmd'))
    for (const file of ['go.mod', 'go.sum'])
      copyFileSync(join(fixtures, 'go', file), join(workspace, 'cmd', file))
    execFileSync('rm', ['-rf', join(workspace, '.git')])
    commitAll(workspace)
    const locked = await readLockfiles(workspace)
    expect(locked.components.length).toBeGreaterThan(4)
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages)
    expect(ran.code).toBe(0)
    const document = JSON.parse(
      readFileSync(join(packages, 'octo/x86_64/app-0.0.0-r0.spdx.json'), 'utf8'),
    )
    expect(spdxErrors(document)).toEqual([])
    const byId = new Map(document.packages.map((p: { SPDXID: string }) => [p.SPDXID, p]))
    const contained = document.relationships
      .filter((r: { relationshipType: string }) => r.relationshipType === 'CONTAINS')
      .map((r: { relatedSpdxElement: string }) => byId.get(r.relatedSpdxElement))
      .filter(Boolean)
      .map((p: { externalRefs: { referenceLocator: string }[]; checksums?: unknown }) => ({
        purl: p.externalRefs[0]!.referenceLocator,
        checksum: p.checksums,
      }))
    expect(contained).toEqual(
      locked.components.map((c) => ({
        purl: c.purl,
        checksum: c.checksum && [
          { algorithm: c.checksum.algorithm, checksumValue: c.checksum.value },
        ],
      })),
    )
    expect(contained.map((c: { purl: string }) => c.purl)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pkg:npm\//),
        expect.stringMatching(/^pkg:golang\//),
      ]),
    )
    // pakman sbom: the document as the package holds it, and its dependencies one per line
    const apk = join(packages, 'octo/x86_64/app-0.0.0-r0.apk')
    const shown = await runNode('dist/cli.js', ['sbom', apk])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toBe(
      readFileSync(join(packages, 'octo/x86_64/app-0.0.0-r0.spdx.json'), 'utf8'),
    )
    const listed = await runNode('dist/cli.js', ['sbom', packages, '--components'])
    expect(listed.code).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    expect(lines).toEqual(
      expect.arrayContaining(
        locked.components.map((c) => `app-0.0.0-r0 CONTAINS ${c.name} ${c.version} ${c.purl}`),
      ),
    )
    expect(lines).toContain('app-0.0.0-r0 DEPENDS_ON bash - -')
    // the -openrc package holds the init script only: no application dependencies
    const openrc = JSON.parse(
      readFileSync(join(packages, 'octo/x86_64/app-openrc-0.0.0-r0.spdx.json'), 'utf8'),
    )
    expect(openrc.packages).toHaveLength(1)
  })

  it('writes it at the end of a custom package: body without the -openrc split, hard links too', async () => {
    // plain files (no run:), installed by the config's own package: body
    const config = `dependencies:
  build: []
build:
  command: |
    sh -n bin/app
package: |
  install -Dm755 "$srcdir"/bin/app "$pkgdir"/usr/bin/app
  ln "$pkgdir"/usr/bin/app "$pkgdir"/usr/bin/app-again
  mkdir -p "$pkgdir"/usr/share/app
  echo note >"$pkgdir"/usr/share/app/NOTE
`
    const workspace = keep(makeWorkspace(config))
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages, ['--no-install-test'])
    expect(ran.stderr).toContain('==> Done')
    const dir = join(packages, 'octo/x86_64')
    expect(readdirSync(dir).sort()).toEqual([
      'APKINDEX.tar.gz',
      'app-0.0.0-r0.apk',
      'app-0.0.0-r0.spdx.json',
    ])
    const document = JSON.parse(readFileSync(join(dir, 'app-0.0.0-r0.spdx.json'), 'utf8'))
    expect(spdxErrors(document)).toEqual([])
    // a hard link is a second name of the same content: both listed, as find -type f sees them
    expect(document.files.map((f: { fileName: string }) => f.fileName)).toEqual([
      './usr/bin/app',
      './usr/bin/app-again',
      './usr/share/app/NOTE',
    ])
    expect(document.files[1].checksums).toEqual(document.files[0].checksums)
  })

  it('builds packages without one with --no-sbom', async () => {
    const workspace = keep(makeWorkspace(appConfig()))
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages, ['--no-sbom'])
    expect(ran.code).toBe(0)
    const dir = join(packages, 'octo/x86_64')
    expect(readdirSync(dir).filter((f) => f.endsWith('.spdx.json'))).toEqual([])
    for (const apk of readdirSync(dir).filter((f) => f.endsWith('.apk')))
      expect([...packageFiles(join(dir, apk)).keys()].filter((p) => p.includes('sbom'))).toEqual([])
    const recipe = join(workspace, '.apk/octo/app')
    expect(readFileSync(join(recipe, 'APKBUILD'), 'utf8')).not.toContain('sbom')
    expect(readdirSync(recipe).filter((f) => /spdx|sbom/.test(f))).toEqual([])
    const shown = await runNode('dist/cli.js', ['sbom', join(dir, 'app-0.0.0-r0.apk')])
    expect(shown).toMatchObject({ code: 1, stdout: '' })
    expect(shown.stderr).toBe(
      `pakman: sbom: ${join(dir, 'app-0.0.0-r0.apk')}: holds no SBOM (built with sbom: false, or not by PAKman)\n`,
    )
    expect(statSync(join(dir, 'app-0.0.0-r0.apk')).size).toBeGreaterThan(0)
  })
})

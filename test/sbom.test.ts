import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeApk, type ApkFile } from '../bench/apk-writer.js'
import { checkPaths, trustedKeys } from '../src/apk/index.js'
import { parseConfig } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { sbomPath, sbomTemplate, type SbomSubject } from '../src/sbom/index.js'
import { PackageSboms } from '../src/verify/sbom.js'
import { MINIMAL } from './fixtures/minimal.js'
import { recipeSbom } from './helpers/recipe-sbom.js'
import { spdxErrors } from './helpers/spdx.js'
import { scratchDirs } from './helpers/scratch.js'

/*
 * The SBOM as the recipe writes it: the template PAKman renders, completed by the APKBUILD's own
 * _pakman_sbom and awk program (run here with the host's sh, GNU tools and awk; the Docker tests
 * run them with busybox inside abuild), checked against the official SPDX 2.3 JSON Schema; and
 * verify's check that a package's SBOM names exactly its files.
 */

const { temp } = scratchDirs()
const sha = (algorithm: string, data: Buffer | string) =>
  createHash(algorithm).update(data).digest('hex')

const subject: SbomSubject = {
  name: 'app',
  version: '1.2.3-r4',
  owner: 'Octo',
  repo: 'app',
  commit: 'c0ffee'.padEnd(40, '0'),
  depends: ['bash', 'nodejs>=20', '!conflicting'],
  components: [
    {
      name: '@scope/left-pad',
      version: '1.3.0',
      purl: 'pkg:npm/%40scope/left-pad@1.3.0',
      checksum: { algorithm: 'SHA512', value: 'ab'.repeat(64) },
    },
    { name: 'rack', version: '3.0.8', purl: 'pkg:gem/rack@3.0.8' },
  ],
  tool: '9.9.9',
}

/** MINIMAL's recipe with the subject's facts, its SBOM completed over `files` with the host's tools. */
function completeWithRecipe(files: Record<string, string>, epoch = '1700000000') {
  const loaded = parseConfig(MINIMAL, 'instellar.yml')
  if (!loaded.ok) throw new Error('MINIMAL does not parse')
  const recipe = renderRecipe(loaded, {
    repository: parseRepository('octo/app')!,
    version: '1.2.3',
    release: 4,
    sbom: { commit: subject.commit!, components: subject.components },
  })
  return { text: recipeSbom(recipe, files, epoch), recipe }
}

describe('the SBOM a recipe writes into its package', () => {
  const files = {
    'var/lib/app/bin/app': '#!/bin/sh\necho app\n',
    'var/lib/app/a name with spaces': 'spaces\n',
    'var/lib/app/quote"and\\backslash': 'odd\n',
    'var/lib/app/tab\there': 'tab\n',
    'etc/app/empty': '',
  }

  it('is a valid SPDX 2.3 document naming every file with its SHA-1 and SHA-256', () => {
    const { text } = completeWithRecipe(files)
    const document = JSON.parse(text)
    expect(spdxErrors(document)).toEqual([])
    // the schema does judge: a document without its version, a file without checksums
    expect(spdxErrors({ ...document, spdxVersion: undefined })).not.toEqual([])
    expect(
      spdxErrors({ ...document, files: [{ SPDXID: 'SPDXRef-x', fileName: 'x' }] }),
    ).not.toEqual([])
    expect(text).not.toContain('@PAKMAN-')
    const listed = Object.fromEntries(
      document.files.map((f: { fileName: string; checksums: { checksumValue: string }[] }) => [
        f.fileName,
        f.checksums.map((c) => c.checksumValue),
      ]),
    )
    expect(listed).toEqual(
      Object.fromEntries(
        Object.entries(files).map(([path, content]) => [
          `./${path}`,
          [sha('sha1', content), sha('sha256', content)],
        ]),
      ),
    )
    // in byte order, each contained by the package
    const names = document.files.map((f: { fileName: string }) => f.fileName)
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? -1 : 1)))
    const contained = document.relationships.filter(
      (r: { relationshipType: string }) => r.relationshipType === 'CONTAINS',
    )
    expect(contained.map((r: { relatedSpdxElement: string }) => r.relatedSpdxElement)).toEqual(
      expect.arrayContaining(document.files.map((f: { SPDXID: string }) => f.SPDXID)),
    )
  })

  it('says what the package is, what it depends on, what it contains and when it was built', () => {
    const { text, recipe } = completeWithRecipe(files)
    const document = JSON.parse(text)
    const [self, ...others] = document.packages
    expect(self).toMatchObject({
      name: 'app',
      versionInfo: '1.2.3-r4',
      supplier: 'Organization: octo',
      downloadLocation: `git+https://github.com/octo/app.git@${subject.commit}`,
      externalRefs: [{ referenceLocator: 'pkg:apk/octo/app@1.2.3-r4?arch=x86_64' }],
    })
    // SPDX's verification code: the SHA-1 of the files' sorted SHA-1s, the SBOM itself left out
    const sha1s = Object.values(files)
      .map((c) => sha('sha1', c))
      .sort()
      .join('')
    expect(self.packageVerificationCode.packageVerificationCodeValue).toBe(sha('sha1', sha1s))
    expect(document.creationInfo.created).toBe('2023-11-14T22:13:20Z')
    const byId = new Map(others.map((p: { SPDXID: string }) => [p.SPDXID, p]))
    const related = (type: string) =>
      document.relationships
        .filter((r: { relationshipType: string }) => r.relationshipType === type)
        .map((r: { relatedSpdxElement: string }) => byId.get(r.relatedSpdxElement))
    // the recipe's depends=, by name
    expect(related('DEPENDS_ON').map((p: { name: string }) => p.name)).toEqual(
      recipe.dependencies.runtime
        .filter((d) => !d.startsWith('!'))
        .map((d) => /^[^<>=~]+/.exec(d)![0]),
    )
    expect(related('CONTAINS').filter(Boolean)).toEqual([
      expect.objectContaining({
        name: '@scope/left-pad',
        versionInfo: '1.3.0',
        checksums: [{ algorithm: 'SHA512', checksumValue: 'ab'.repeat(64) }],
        externalRefs: [
          expect.objectContaining({ referenceLocator: 'pkg:npm/%40scope/left-pad@1.3.0' }),
        ],
      }),
      expect.objectContaining({
        name: 'rack',
        externalRefs: [expect.objectContaining({ referenceLocator: 'pkg:gem/rack@3.0.8' })],
      }),
    ])
  })

  it('is the same bytes for the same files and time, and another document when they differ', () => {
    const first = completeWithRecipe(files).text
    expect(completeWithRecipe(files).text).toBe(first)
    const changed = completeWithRecipe({ ...files, 'etc/app/empty': 'not empty' }).text
    expect(JSON.parse(changed).documentNamespace).not.toBe(JSON.parse(first).documentNamespace)
    expect(JSON.parse(first).documentNamespace).toMatch(
      /^https:\/\/github\.com\/octo\/app\/spdx\/app-1\.2\.3-r4-[0-9a-f]{32}$/,
    )
  })

  it('is a valid document for a package with no files at all', () => {
    const document = JSON.parse(completeWithRecipe({}).text)
    expect(spdxErrors(document)).toEqual([])
    expect(document.files).toEqual([])
  })

  it('leaves the markers only where the build fills them in', () => {
    const template = sbomTemplate(subject)
    const markers = template.match(/@PAKMAN-[A-Z-]+@/g)
    expect(new Set(markers)).toEqual(
      new Set([
        '@PAKMAN-NAMESPACE@',
        '@PAKMAN-CREATED@',
        '@PAKMAN-VERIFICATION-CODE@',
        '@PAKMAN-ARCH@',
        '@PAKMAN-FILES@',
        '@PAKMAN-FILE-RELATIONSHIPS@',
      ]),
    )
    // conflicts (!name) are not dependencies; a version rule stays as the package's comment
    expect(template).not.toContain('conflicting')
    expect(template).toContain('"comment": "depends on nodejs>=20"')
  })
})

describe("verify's check of each package's SBOM", () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyName = 'sbom-test.rsa.pub'
  const keys = trustedKeys([[keyName, publicKey.export({ type: 'spki', format: 'pem' }) as string]])

  /** A signed package app-1.0-r0 in <dir>/main/x86_64 holding `files` and an SBOM listing `listed`. */
  async function packageWith(files: ApkFile[], listed: [string, string][] | undefined) {
    const dir = temp('pakman-sboms-')
    mkdirSync(join(dir, 'main/x86_64'), { recursive: true })
    const sbom = listed && {
      path: sbomPath('app', '1.0-r0'),
      content: Buffer.from(
        JSON.stringify({
          files: listed.map(([path, sha1]) => ({
            fileName: `./${path}`,
            checksums: [{ algorithm: 'SHA1', checksumValue: sha1 }],
          })),
        }),
      ),
    }
    const apk = join(dir, 'main/x86_64/app-1.0-r0.apk')
    await writeApk(apk, [...files, ...(sbom ? [sbom] : [])], {
      key: privateKey,
      keyName,
      pkgname: 'app',
      pkgver: '1.0-r0',
    })
    const sboms = new PackageSboms()
    const checks = await checkPaths([apk], keys, sboms.observe)
    expect(checks.map((c) => c.verdict)).toEqual(['OK'])
    return { dir, apk, sbom, sboms }
  }

  const app = { path: 'var/lib/app/app', content: Buffer.from('the app\n') }

  it('puts a copy beside a package whose SBOM names exactly its files', async () => {
    const { dir, sbom, sboms } = await packageWith([app], [[app.path, sha('sha1', app.content)]])
    const beside = await sboms.writeBeside(dir)
    expect(beside).toEqual([
      expect.objectContaining({
        relativePath: 'main/x86_64/app-1.0-r0.spdx.json',
        kind: 'sbom',
        name: 'app',
        version: '1.0-r0',
        arch: 'x86_64',
        sha256: sha('sha256', sbom!.content),
      }),
    ])
    expect(readFileSync(join(dir, 'main/x86_64/app-1.0-r0.spdx.json'))).toEqual(sbom!.content)
  })

  it('refuses an SBOM with a wrong checksum, a file left out or one too many', async () => {
    const other = { path: 'var/lib/app/other', content: Buffer.from('other\n') }
    const wrong = await packageWith(
      [app, other],
      [
        [app.path, sha('sha1', 'something else')],
        ['var/lib/app/gone', sha('sha1', '')],
      ],
    )
    await expect(wrong.sboms.writeBeside(wrong.dir)).rejects.toThrow(
      `main/x86_64/app-1.0-r0.apk: /var/lib/app/app is listed with SHA-1 ${sha('sha1', 'something else')}, holds ${sha('sha1', app.content)}; /var/lib/app/other is not listed; /var/lib/app/gone is listed but not in the package`,
    )
  })

  it('refuses a package without an SBOM, and writes nothing beside it', async () => {
    const { dir, sboms } = await packageWith([app], undefined)
    await expect(sboms.writeBeside(dir)).rejects.toThrow(
      'main/x86_64/app-1.0-r0.apk: no SBOM at /var/lib/db/sbom/app-1.0-r0.spdx.json',
    )
  })
})

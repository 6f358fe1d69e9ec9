import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfigFile } from '../src/config/index.js'
import { bootstrap, parseRepository } from '../src/recipe/index.js'
import { currentFiles, listedInSources } from './helpers/corpus.js'
import { lintRecipeFile } from './helpers/lint.js'
import { recipeSbom } from './helpers/recipe-sbom.js'
import { spdxErrors } from './helpers/spdx.js'

const counts = { files: 0, valid: 0, rendered: 0, shellcheckClean: 0 }

describe('every current instellar.yml in the corpus', () => {
  const files = currentFiles()

  it('holds exactly the files SOURCES.md lists', () => {
    expect(files.map((f) => `${f.id}.yml`)).toEqual(listedInSources('current'))
  })

  it.each(files.map((f) => [f.id, f] as const))(
    '%s validates, renders, passes shellcheck and writes a valid SBOM',
    async (_id, corpus) => {
      counts.files++
      const loaded = await loadConfigFile(corpus.path)
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      if (!loaded.ok) return
      counts.valid++

      const workspace = await mkdtemp(join(tmpdir(), 'pakman-corpus-'))
      try {
        await writeFile(join(workspace, 'nginx.conf'), 'server {}\n') // type: static needs one
        const result = await bootstrap(workspace, loaded, {
          repository: parseRepository(corpus.repository)!,
          version: '1.4.2',
          release: 12,
          sbom: { commit: 'c0ffee'.padEnd(40, '0'), components: [] },
        })
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        expect(result.dir).toBeDefined()
        const written = (await readdir(result.dir!)).sort()
        expect(written).toEqual(result.recipe.files.map((f) => f.name).sort())
        for (const file of result.recipe.files) {
          expect(await readFile(join(result.dir!, file.name), 'utf8')).toBe(file.content)
          expect((await stat(join(result.dir!, file.name))).mode & 0o777).toBe(file.mode)
        }
        counts.rendered++

        const problems = result.recipe.files.flatMap((file) =>
          lintRecipeFile(file).map((p) => `${file.name}: ${p}`),
        )
        expect(problems).toEqual([])
        counts.shellcheckClean++

        // its SBOM, completed by the recipe's own shell, is valid SPDX 2.3
        const sbom = JSON.parse(recipeSbom(result.recipe, { 'var/lib/app/file': 'x\n' }))
        expect(spdxErrors(sbom)).toEqual([])
        expect(sbom.files).toHaveLength(1)
      } finally {
        await rm(workspace, { recursive: true, force: true })
      }
    },
  )

  afterAll(() => {
    console.log(
      `corpus: ${counts.files} files, ${counts.valid} valid, ${counts.rendered} rendered, ${counts.shellcheckClean} shellcheck-clean`,
    )
  })
})

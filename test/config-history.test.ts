import { readFile } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { historyFiles, listedInSources } from './helpers/corpus.js'

const counts = { rendered: 0, clearError: 0, crash: 0 }

describe('every older or broken instellar.yml in history/', () => {
  const files = historyFiles()

  it('holds exactly the files SOURCES.md lists', () => {
    expect(files.map((f) => `${f.id}.yml`)).toEqual(listedInSources('history'))
  })

  it.each(files.map((f) => [f.id, f] as const))(
    '%s renders or fails at a line',
    async (_id, corpus) => {
      const text = await readFile(corpus.path, 'utf8')
      const lineCount = text.split('\n').length
      try {
        const loaded = parseConfig(text, corpus.path)
        if (!loaded.ok) {
          const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
          expect(errors.length).toBeGreaterThan(0)
          for (const error of errors) {
            expect(error.file).toBe(corpus.path)
            expect(error.line).toBeGreaterThanOrEqual(1)
            expect(error.line).toBeLessThanOrEqual(lineCount)
            expect(error.message.length).toBeGreaterThan(10)
          }
          counts.clearError++
          return
        }
        const [owner] = corpus.repository.split('/')
        const name = corpus.id.split('__')[1]!
        const recipe = renderRecipe(loaded, {
          repository: parseRepository(`${owner}/${name}`)!,
          version: '0.1.0',
          release: 1,
        })
        expect(recipe.files.length).toBeGreaterThan(1)
        counts.rendered++
      } catch (error) {
        counts.crash++
        throw error
      }
    },
  )

  afterAll(() => {
    console.log(
      `history: ${files.length} files, ${counts.rendered} rendered, ${counts.clearError} clear error, ${counts.crash} crash`,
    )
  })
})

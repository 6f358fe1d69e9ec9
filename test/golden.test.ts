/*
 * Golden files for the original PAKman's own test fixtures, rendered as upmaru/<fixture> like its
 * test suite does. Reviewed by hand against the original's templates (lib/pakman/bootstrap/
 * templates/*.eex, v8). Regenerate with UPDATE_GOLDEN=1 and review the diff.
 *
 * Same as the original: file names, install layout (/var/lib/<name>, service/{run,finish,log/run},
 * bin/{environment,env-exec}, /etc/init.d/<name>), APKBUILD variables and functions, options
 * (!check, !tracedeps unless trace, !strip when strip_binary: false), the -openrc subpackage, the
 * s6 run/finish/log scripts, the account created by pre-install, hooks listed pre-install first and
 * then by name.
 *
 * Intentionally different:
 *  1. A user pre-install hook is appended to the generated account-creating script instead of
 *     overwriting it (and being listed twice in install=).
 *  2. The recipe directory is .apk/<owner-slug>/<name-slug>; the original used the raw repository
 *     name, so its README's `cd .apk/$GITHUB_REPOSITORY` broke for owners with capitals.
 *  3. source= lists only files that are written: without run:, no service files and no -openrc
 *     subpackage (the original listed files it never wrote, and abuild checksum failed).
 *  4. Service files are named after the package, never after a different run.name (the original
 *     wrote <run.name>.initd while source= said $pkgname.initd); a warning says so.
 *  5. The initd command functions no longer run the bare binary once before the real call (an
 *     output tag in the original template printed the path as a command).
 *  6. The .finish file is always written with the other service files.
 *  7. pre-install no longer runs a stray one-argument `addgroup <name>`.
 *  8. environment reads the variables with `jq -j … \u0000` and `IFS=`, so values keep leading and
 *     trailing spaces (the original's `read` stripped them).
 *  9. snapshot() uses `tar -C $root .` instead of `tar … ../../..`: the same archive contents
 *     without GNU tar's "Removing leading ../" warning.
 * 10. Whitespace and comments are our own; lines that only held template tags are gone.
 * 11. A leading v on the tag is accepted (v1.2.3 → 1.2.3); the original fell back to 0.0.0.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfigOrThrow } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { CORPUS } from './helpers/corpus.js'

const GOLDEN = resolve(fileURLToPath(import.meta.url), '../golden')
const FIXTURES = ['astro', 'caddy', 'elixir', 'laravel', 'next', 'rails'] as const
// The original's tests name the caddy fixture's repository uplink-caddy (its run.name).
const REPOSITORY: Record<string, string> = { caddy: 'upmaru/uplink-caddy' }

describe('golden recipes for the original PAKman fixtures', () => {
  it.each(FIXTURES)('%s', async (fixture) => {
    const loaded = await loadConfigOrThrow(join(CORPUS, `pakman-fixture__${fixture}.yml`))
    const repository = parseRepository(REPOSITORY[fixture] ?? `upmaru/${fixture}`)!
    const recipe = renderRecipe(loaded, { repository, version: '0.1.0', release: 1 })
    const dir = join(GOLDEN, fixture)
    if (process.env.UPDATE_GOLDEN) {
      await rm(dir, { recursive: true, force: true })
      await mkdir(dir, { recursive: true })
      for (const file of recipe.files) await writeFile(join(dir, file.name), file.content)
    }
    expect(recipe.files.map((f) => f.name).sort()).toEqual((await readdir(dir)).sort())
    for (const file of recipe.files) {
      expect(file.content, file.name).toBe(await readFile(join(dir, file.name), 'utf8'))
    }
  })
})

/*
 * Golden files for the original PAKman's own test fixtures, rendered as upmaru/<fixture> like its
 * test suite does. Reviewed by hand against the original's templates at v8.4.1 (upmaru/pakman,
 * lib/pakman/bootstrap/templates/*.eex and lib/pakman/bootstrap.ex). Regenerate with
 * UPDATE_GOLDEN=1 and review the diff.
 *
 * Same as the original: file names, install layout (/var/lib/<name>, service/{run,finish,log/run},
 * bin/{environment,env-exec}, /etc/init.d/<name>), APKBUILD variables and functions, options
 * (!check, !tracedeps unless trace, !strip when strip_binary: false), the -openrc subpackage, the
 * s6 run and finish scripts, the logger (s6-log with nothing in front of it), the initd command
 * functions (one call through env-exec), the .finish file (always written), pre-install (the
 * /bin/s6-svscan link for Alpine 3.21/3.22 when missing, then the account), hooks listed
 * pre-install first and then by name.
 *
 * Intentionally different:
 *  1. A user pre-install hook is appended to the generated script (after the s6-svscan link and
 *     the account) instead of overwriting it (and being listed twice in install=).
 *  2. The recipe directory is .apk/<owner-slug>/<name-slug>; the original used the raw repository
 *     name, so its README's `cd .apk/$GITHUB_REPOSITORY` broke for owners with capitals.
 *  3. source= lists only files that are written: without run:, no service files and no -openrc
 *     subpackage (the original listed files it never wrote, and abuild checksum failed).
 *  4. Service files are named after the package, never after a different run.name (the original
 *     wrote <run.name>.initd while source= said $pkgname.initd); a warning says so.
 *  5. The initd hands the service to OpenRC's s6 backend in the way each OpenRC expects (Alpine
 *     3.18-3.24 and edge): /var/svc.d/<name>, linked to /var/lib/<name>/service by start_pre, is
 *     started through s6_service_path up to 0.62 and by the compatibility mode from 0.63.1; 0.63
 *     (3.23) gets command= and output_logger= instead. The original links the service directory
 *     into the scan directory itself in start_pre, which 0.63 and later do not start (their
 *     s6-svlink then finds the name taken). See the README, "Stacks".
 *  6. pre-install no longer runs a stray one-argument `addgroup <name>` after adduser.
 *  7. environment: both read one NUL-terminated KEY=value per variable from jq. The original
 *     reads each with `read -rd ''` (IFS not cleared), so leading spaces are kept but trailing
 *     whitespace (spaces, tabs, newlines) is stripped; ours reads with `IFS=` and `jq -j`, so each
 *     value is kept exactly, trailing whitespace included.
 *  8. snapshot() uses `tar -C $root .` instead of `tar … ../../..`: the same archive contents
 *     without GNU tar's "Removing leading ../" warning.
 *  9. Whitespace and comments are our own; lines that only held template tags are gone.
 * 10. Versions (src/recipe/version.ts): a leading v is accepted (v1.2.3 → 1.2.3; the original fell
 *     back to 0.0.0), and a semver pre-release becomes an Alpine suffix (1.2.3-rc.1 → 1.2.3_rc1;
 *     the original kept only 1.2.3, the release's version).
 * 11. depends= adds what the generated service files run and the config does not list (bash, curl,
 *     jq, s6, execline), after the config's own list; the original installed a package whose
 *     service could not start when the config forgot one.
 * 12. The initd also makes the /var/svc.d link before stop, removes in start_pre a scan-directory
 *     link nothing supervises (the original's, after an upgrade), and on OpenRC up to 0.62 ends
 *     the supervisor and logger after stop (s6-svunlink), as 0.63 does. A service package gets a
 *     pre-deinstall that removes what running it left untracked by apk (merged with a user's
 *     pre-deinstall hook like pre-install), so `apk del` leaves no /var/lib/<name>/service behind.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { CORPUS } from './helpers/corpus.js'

const GOLDEN = resolve(fileURLToPath(import.meta.url), '../golden')
const FIXTURES = ['astro', 'caddy', 'elixir', 'laravel', 'next', 'rails'] as const
// The original's tests name the caddy fixture's repository uplink-caddy (its run.name).
const REPOSITORY: Record<string, string> = { caddy: 'upmaru/uplink-caddy' }

describe('golden recipes for the original PAKman fixtures', () => {
  it.each(FIXTURES)('%s', async (fixture) => {
    const file = join(CORPUS, `pakman-fixture__${fixture}.yml`)
    const loaded = await readConfig(file, file, () => {})
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

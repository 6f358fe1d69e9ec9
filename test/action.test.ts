import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { edit, MINIMAL } from './fixtures/minimal.js'
import { runAction } from './helpers/action.js'
import { fakeDocker } from './helpers/fake-docker.js'
import { chownTree, commitAll, RUNNER_USER } from './fixtures/workspace.js'

let workspace: string
const isRoot = process.getuid?.() === 0
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'pakman-action-'))
})
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

// These cases render only (build: false); building is covered by the Docker tests.
const github = () => ({
  GITHUB_WORKSPACE: workspace,
  GITHUB_REPOSITORY: 'Octo/App',
  GITHUB_RUN_NUMBER: '17',
  INPUT_BUILD: 'false',
})

describe('the action (node dist/index.js)', () => {
  it('renders the recipe, sets outputs and writes a summary', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await runAction({}, { ...github(), INPUT_VERSION: 'v3.1.0' })
    expect(ran.code).toBe(0)
    expect(ran.outputs).toEqual({
      'recipe-dir': join(workspace, '.apk/octo/app'),
      'package-name': 'app',
      version: '3.1.0',
      'build-number': '17',
    })
    expect(ran.stdout).toContain('::group::Read instellar.yml')
    expect(ran.stdout).toContain('::group::Render the recipe')
    expect(ran.stdout).not.toContain('::error')
    expect(await readFile(join(workspace, '.apk/octo/app/APKBUILD'), 'utf8')).toContain(
      'pkgrel=17\n',
    )
    expect(ran.summary).toContain('<h2>PAKman: app 3.1.0-r17</h2>')
    expect(ran.summary).toContain('<code>app.initd</code>')
    expect(ran.summary).toMatch(/<th>Service runs as<\/th>[\s\S]*<td>root<\/td>/)
  })

  it("says in the summary when the service runs as the package's own account", async () => {
    await writeFile(
      join(workspace, 'instellar.yml'),
      MINIMAL.replace('run:\n', 'run:\n  unprivileged: true\n'),
    )
    const ran = await runAction({}, { ...github(), INPUT_VERSION: 'v3.1.0' })
    expect(ran.code).toBe(0)
    expect(ran.summary).toContain('<td>app (its own account)</td>')
  })

  it('annotates every config error on its file and line and fails', async () => {
    await writeFile(
      join(workspace, 'instellar.yml'),
      edit('binary: node', 'binary: "a b"', edit('- dist', '- ../up')),
    )
    const ran = await runAction({}, github())
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      `::error title=instellar.yml%3A build.destinations[0],file=instellar.yml,line=10,endLine=10,col=7,endColumn=12::build.destinations[0]: must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$' (found "../up")`,
    )
    expect(ran.stdout).toContain(
      '::error title=instellar.yml%3A run.services[0].binary,file=instellar.yml,line=19,endLine=19,col=15,endColumn=20::run.services[0].binary',
    )
    expect(ran.stdout).toContain('::error::instellar.yml has 2 errors')
    expect(ran.stdout).not.toMatch(/\n\s+at /) // no stack trace
    expect(ran.outputs).toEqual({})
    // the job summary of a failed run: where it failed, why, and that nothing went out
    expect(ran.summary).toContain('<h2>PAKman failed in Read instellar.yml</h2>')
    expect(ran.summary).toContain('<pre>instellar.yml has 2 errors</pre>')
    expect(ran.summary).toContain('<h3>Config errors</h3>')
    expect(ran.summary).toContain('10:7 build.destinations[0]: must be a relative path')
    expect(ran.summary).toContain('<p>Nothing was published.</p>')
  })

  it('refuses upload: pages outside merge mode, and an unusable repository-url, before any work', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const build = await runAction({ upload: 'pages' }, github())
    expect(build.code).toBe(1)
    expect(build.stdout).toContain(
      '::error::upload: pages publishes the merged repository: use it in the merge job (mode: merge), which needs the build jobs',
    )
    const merge = await runAction(
      { mode: 'merge', upload: 'pages', 'repository-url': 'pkg.example.com/acme' },
      github(),
    )
    expect(merge.code).toBe(1)
    expect(merge.stdout).toContain(
      '::error::repository-url: pkg.example.com/acme is not an absolute URL such as https://owner.github.io/repo/',
    )
    expect(merge.stdout).not.toContain('Download build artifacts')
  })

  it('writes a job summary when it fails before any phase starts', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await runAction({ mode: 'bogus' }, github())
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('::error::mode: bogus is not build or merge')
    expect(ran.summary).toContain('<h2>PAKman failed before it started</h2>')
    expect(ran.summary).toContain('<pre>mode: bogus is not build or merge</pre>')
    expect(ran.summary).toContain('<p>Nothing was published.</p>')
  })

  it('annotates warnings without failing', async () => {
    await writeFile(join(workspace, 'instellar.yml'), `${MINIMAL}stak: alpine/3.19\n`)
    const ran = await runAction({}, github())
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(
      '::warning title=instellar.yml%3A stak,file=instellar.yml,line=26,endLine=26,col=1,endColumn=5::unknown key stak at the top level is ignored; did you mean stack?',
    )
    expect(ran.summary).toContain(
      '26:1 unknown key stak at the top level is ignored; did you mean stack?',
    )
  })

  it('annotates a version it could not take from a tag as a warning', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const noGit = await runAction({}, github())
    expect(noGit.code).toBe(0)
    expect(noGit.stdout).toContain(
      '::warning::git describe failed: not a git repository (or any of the parent directories): .git; using 0.0.0\n',
    )
    expect(noGit.outputs.version).toBe('0.0.0')

    const preview = await runAction({}, { ...github(), INPUT_VERSION: 'v2.0.0-preview.1' })
    expect(preview.stdout).toContain(
      '::warning::pre-release preview.1 of 2.0.0-preview.1 has no Alpine equivalent; using 2.0.0, the same version as the release',
    )
    const beta = await runAction({}, { ...github(), INPUT_VERSION: 'v2.0.0-beta.1' })
    expect(beta.outputs.version).toBe('2.0.0_beta1')
    expect(beta.stdout).not.toContain('::warning::') // no version warning (config ones have a title)
  })

  // A container job: the action runs as root, the checkout belongs to the runner user (1001).
  it.runIf(isRoot)('takes the version from the tag in a checkout another user owns', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    commitAll(workspace, { tag: 'v1.4.2' })
    chownTree(workspace, RUNNER_USER, RUNNER_USER)
    const ran = await runAction({}, github())
    expect(ran.code).toBe(0)
    expect(ran.outputs.version).toBe('1.4.2')
    expect(ran.stdout).not.toContain('::warning::')
    expect(await readFile(join(workspace, '.apk/octo/app/APKBUILD'), 'utf8')).toContain(
      'pkgver=1.4.2\n',
    )
  })

  it('reads the config from the config input, and names it in the log', async () => {
    await writeFile(join(workspace, 'pakman.yml'), MINIMAL)
    const ran = await runAction({ config: 'pakman.yml' }, github())
    expect(ran.code).toBe(0)
    expect(ran.outputs['package-name']).toBe('app')
    expect(ran.stdout).toContain('::group::Read pakman.yml\n')
    expect(ran.stdout).not.toContain('::group::Read instellar.yml')
    // its annotations are titled with that file too
    await writeFile(join(workspace, 'pakman.yml'), `${MINIMAL}stak: alpine/3.20\n`)
    const annotated = await runAction({ config: 'pakman.yml' }, github())
    expect(annotated.stdout).toMatch(/::warning title=pakman\.yml%3A stak,file=pakman\.yml,/)
    expect(annotated.stdout).not.toContain('title=instellar.yml')
  })

  it('names its inputs, not CLI flags, in messages from the shared pipeline', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL) // MINIMAL has no stack:
    // A stand-in docker with no images: builds stop at the environment, after the key phase.
    const env = { ...github(), INPUT_BUILD: 'true', PAKMAN_DOCKER: await fakeDocker(workspace) }
    const inputs = { 'packages-dir': join(workspace, 'out'), cache: 'false' }
    const noStack = await runAction(inputs, env)
    expect(noStack.code).toBe(1)
    expect(noStack.stdout).toContain(
      '::error::no stack: set stack: alpine/3.x in instellar.yml, or pass the stack input or the image input\n',
    )
    const noKey = await runAction({ ...inputs, stack: 'alpine/3.20' }, env)
    expect(noKey.code).toBe(1)
    expect(noKey.stdout).toMatch(
      /^::warning::no signing key given: packages are signed with a throwaway key \(octo-app-throwaway-[0-9a-f]{8}\) made for this run; pass your own key with the signing-key input to publish installable packages$/m,
    )
    expect(noStack.stdout + noKey.stdout).not.toMatch(/ --(stack|image|signing-key)\b/)
  })

  it('refuses a packages-dir with files PAKman did not write, naming the input', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const dir = join(workspace, 'mine')
    await mkdir(dir)
    await writeFile(join(dir, 'mytool-1.0-r0.apk'), 'my own package')
    const ran = await runAction(
      { 'packages-dir': dir },
      { ...github(), INPUT_BUILD: 'true', PAKMAN_DOCKER: '/nonexistent/docker' },
    )
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      `::error::the output directory ${dir} (the packages-dir input) holds files PAKman did not write (mytool-1.0-r0.apk).`,
    )
    expect(ran.stdout).toContain('Set the packages-dir input to a new or empty directory')
    expect(await readdir(dir)).toEqual(['mytool-1.0-r0.apk'])
    expect(await readFile(join(dir, 'mytool-1.0-r0.apk'), 'utf8')).toBe('my own package')
  })

  it('refuses a signature input that is not rsa, rsa256 or both, naming the input', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await runAction({ signature: 'sha512' }, github())
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error::the signature input is "sha512": expected one of rsa, rsa256, both',
    )
  })

  it('fails with a one-line message when the config is missing', async () => {
    const ran = await runAction({}, github())
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error title=instellar.yml,file=instellar.yml,line=1,endLine=1,col=1,endColumn=1::cannot read config: file not found',
    )
  })
})

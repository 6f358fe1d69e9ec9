import { execFileSync, spawn } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { appConfig, chownTree, makeWorkspace } from '../fixtures/workspace.js'
import { scratchDirs } from '../helpers/scratch.js'
import {
  builtPublicKey,
  containersNamed,
  dockerAvailable,
  pakmanBuild,
  testImage,
} from '../helpers/docker.js'
import { runAction } from '../helpers/action.js'
import { startFakeGitHub } from '../helpers/fake-github.js'
import { platformStorage, startFakeInstellar } from '../helpers/fake-instellar.js'
import { startS3 } from '../helpers/s3.js'
import { cleanEnv, ROOT } from '../helpers/run.js'

/*
 * The real container layer end to end against a real Docker engine: `pakman build` and the action
 * run the generated scripts in an image made from the official Alpine 3.20 minirootfs (real apk,
 * busybox adduser/addgroup/su), whose abuild, rc-update and rc-service are stand-ins
 * (test/docker/stand-ins). The install test is the real apk's. Other stacks, owners and images:
 * stacks.test.ts. Under CI these tests fail, not skip, without Docker.
 */
const docker = dockerAvailable()
const isRoot = process.getuid?.() === 0
const { temp, keep } = scratchDirs()

describe.runIf(docker)('pakman build in Docker', () => {
  let image: string
  let cacheHome: string
  beforeAll(() => {
    image = testImage()
    cacheHome = temp('pakman-cache-')
  })

  const build = (
    workspace: string,
    packagesDir: string,
    extra: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ) =>
    pakmanBuild(workspace, image, ['--packages-dir', packagesDir, ...extra], {
      XDG_CACHE_HOME: cacheHome,
      ...env,
    })

  it('builds packages as the workspace owner, with the key mounted read-only', async () => {
    const workspace = makeWorkspace()
    keep(workspace)
    if (isRoot) chownTree(workspace, 1234, 2345)
    const packages = temp('pakman-out-')
    // The deprecated spelling of --pkgver: still builds 1.2.0, with a warning, for one release.
    const ran = await build(workspace, packages, ['--version', '1.2.0', '--build', '5'])
    expect(ran.stderr).toContain('==> abuild')
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(
      'pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver 1.2.0\n',
    )
    // the build script's phase markers are consumed, not shown
    expect(ran.stderr).toContain('==> abuild\n    building as ')
    expect(ran.stderr).not.toContain('pakman-phase')

    const apk = join(packages, 'octo/x86_64/app-1.2.0-r5.apk')
    // no key given: a throwaway key, named as one, after its fingerprint
    const key = builtPublicKey(packages)
    expect(key.name).toMatch(/^octo-app-throwaway-[0-9a-f]{8}\.rsa\.pub$/)
    expect(ran.stdout.split('\n')).toEqual(
      expect.arrayContaining([join(packages, 'octo/x86_64/APKINDEX.tar.gz'), apk, key.file]),
    )
    // abuild ran as an unprivileged user carrying the workspace owner's ids
    const owner = isRoot ? '1234:2345' : `${process.getuid?.()}:${process.getgid?.()}`
    expect(ran.stderr).toContain(`stand-in abuild -r as ${isRoot ? 'builder' : ''}`)
    expect(ran.stderr).toMatch(new RegExp(`stand-in abuild -r as \\S+ \\(${owner}\\)`))
    if (isRoot) {
      expect(statSync(apk)).toMatchObject({ uid: 1234, gid: 2345 })
      expect(statSync(join(workspace, '.apk/octo/app/app-1.2.0.tar'))).toMatchObject({
        uid: 1234,
        gid: 2345,
      })
    }
    // SOURCE_DATE_EPOCH is the commit time; the container's environment holds no key material
    expect(readFileSync(apk).length).toBeGreaterThan(0)
    expect(ran.stderr).toMatch(/environment: .*SOURCE_DATE_EPOCH/)
    expect(ran.stderr).not.toMatch(/environment: .*(PRIVATE|PRIVKEY|SIGNING)/)
    expect(ran.stderr).toContain(
      `pakman: warning: no signing key given: packages are signed with a throwaway key (${basename(key.name, '.rsa.pub')}) made for this run; pass your own key with --signing-key FILE`,
    )
    expect(readFileSync(key.file, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    // verified against the run's key, then installed in a clean container of the base image
    // (with each file's SHA-256, read in the same pass)
    const indexDigest = createHash('sha256')
      .update(readFileSync(join(packages, 'octo/x86_64/APKINDEX.tar.gz')))
      .digest('hex')
    expect(ran.stderr).toContain(
      `==> Verify\n    octo/x86_64/APKINDEX.tar.gz: OK sha256:${indexDigest}\n`,
    )
    // the real apk installed it with its dependencies and ran its scripts
    expect(ran.stderr).toContain('Installing app (1.2.0-r5)')
    expect(ran.stderr).toContain('Executing app-1.2.0-r5.post-install')
    expect(ran.stderr).toContain('installed app=1.2.0-r5')
  })

  it('stops before anything leaves the job when a package does not verify', async () => {
    const workspace = keep(makeWorkspace(appConfig('touch TAMPER')))
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /pakman: the packages do not verify:\nocto\/x86_64\/app-0\.0\.0-r0\.apk: (IO_ERROR|BAD_ARCHIVE) - /,
    )
    expect(ran.stderr).toContain('MISMATCH - the index says')
    expect(ran.stderr).not.toContain('Installing app')
    expect(ran.stdout).toBe('')
  })

  it("fails the build with apk's last lines when the main package does not install", async () => {
    const config = `${appConfig()}  pre-install: |\n    echo "refusing to install here" >&2\n    exit 7\n`
    const workspace = keep(makeWorkspace(config))
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages)
    expect(ran.code).toBe(1)
    // the install test's container was started during abuild; its lines show under verify only
    expect(ran.stderr).toMatch(
      /==> Verify[\s\S]*pakman: installing app=0\.0\.0-r0 in a clean \S+ container failed \(exit \d+\):\n[\s\S]*refusing to install here/,
    )
    expect(readdirSync(packages)).toEqual(['.pakman-output'])
    expect(containersNamed('pakman-install-')).toEqual([])
  })

  it('skips only the install test with --no-install-test', async () => {
    const workspace = keep(makeWorkspace())
    const ran = await build(workspace, temp('pakman-out-'), ['--no-install-test'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain('==> Verify')
    expect(ran.stderr).not.toContain('Installing app')
  })

  it('builds in a root-owned workspace as an unprivileged user and hands the files back', async () => {
    if (!isRoot) return
    const workspace = makeWorkspace()
    keep(workspace)
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages)
    expect(ran.code).toBe(0)
    expect(ran.stderr).toMatch(/stand-in abuild -r as builder \(1000:1000\)/)
    expect(statSync(join(packages, 'octo/x86_64/app-0.0.0-r0.apk'))).toMatchObject({
      uid: 0,
      gid: 0,
    })
    expect(statSync(join(workspace, '.apk/octo/app/APKBUILD'))).toMatchObject({ uid: 0, gid: 0 })
  })

  it('names the failing phase and shows the last lines when the build fails', async () => {
    const workspace = makeWorkspace(
      appConfig('echo "compiling"\necho "boom: missing header" >&2\nexit 3'),
    )
    keep(workspace)
    const packages = temp('pakman-out-')
    const ran = await build(workspace, packages)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /pakman: the build failed in the build phase \(exit 3\); last lines:\n[\s\S]*boom: missing header/,
    )
    expect(ran.stderr).not.toMatch(/\n\s+at /)
    expect(readdirSync(packages)).toEqual(['.pakman-output'])
    expect(containersNamed('pakman-build-')).toEqual([])
    // the install test's container, started beside abuild, was stopped and removed too
    expect(containersNamed('pakman-install-')).toEqual([])
  })

  it('fails when abuild writes nothing for the arch, naming the arch', async () => {
    const workspace = makeWorkspace()
    keep(workspace)
    const ran = await build(workspace, temp('pakman-out-'), ['--arch', 'x86'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('pakman: abuild wrote no packages for x86')
  })

  it('refuses an arch the config does not allow, before any container starts', async () => {
    const workspace = makeWorkspace(`architectures: [aarch64]\n${appConfig()}`)
    keep(workspace)
    const ran = await build(workspace, temp('pakman-out-'), ['--arch', 'x86_64'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      'pakman: x86_64 is not among the architectures instellar.yml allows (aarch64)',
    )
    expect(ran.stderr).not.toContain('==> abuild')
  })

  it('replaces its own output from an earlier run, so the index never sees old packages', async () => {
    const workspace = keep(makeWorkspace())
    const packages = temp('pakman-out-')
    expect((await build(workspace, packages, ['--no-install-test'])).code).toBe(0)
    expect(readdirSync(packages)).toContain('.pakman-output')
    const firstKey = builtPublicKey(packages).name
    writeFileSync(join(packages, 'octo/x86_64/stale-1.0-r0.apk'), 'old')
    const ran = await build(workspace, packages, ['--version', '1.1.0', '--no-install-test'])
    expect(ran.code).toBe(0)
    expect(readdirSync(join(packages, 'octo/x86_64')).sort()).toEqual([
      'APKINDEX.tar.gz',
      'app-1.1.0-r0.apk',
      'app-1.1.0-r0.spdx.json',
      'app-openrc-1.1.0-r0.apk',
      'app-openrc-1.1.0-r0.spdx.json',
    ])
    // the second run's throwaway key only: another key, so another name
    const secondKey = builtPublicKey(packages).name
    expect(secondKey).not.toBe(firstKey)
    expect(readdirSync(packages).sort()).toEqual(['.pakman-output', 'octo', secondKey])
    expect(stagingBeside(packages)).toEqual([])
  })

  it('leaves the earlier output as it was when a build fails', async () => {
    const packages = temp('pakman-out-')
    const first = await build(keep(makeWorkspace()), packages, ['--no-install-test'])
    expect(first.code).toBe(0)
    const before = snapshotOf(packages)
    expect(Object.keys(before)).toContain('octo/x86_64/app-0.0.0-r0.apk')
    // Fails in abuild, after the packages directory was prepared and the build had begun.
    const failing = keep(makeWorkspace(appConfig('echo "boom" >&2\nexit 3')))
    const ran = await build(failing, packages, ['--version', '2.0.0'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('pakman: the build failed in the build phase (exit 3)')
    expect(snapshotOf(packages)).toEqual(before)
    expect(stagingBeside(packages)).toEqual([])
  })

  it('refuses a directory with files PAKman did not write, and leaves it untouched', async () => {
    const packages = temp('pakman-out-')
    mkdirSync(join(packages, 'main/x86_64'), { recursive: true })
    writeFileSync(join(packages, 'main/x86_64/mytool-1.0-r0.apk'), 'my own package')
    const before = snapshotOf(packages)
    const ran = await build(keep(makeWorkspace()), packages)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      `pakman: the output directory ${packages} (--packages-dir DIR) holds files PAKman did not write (main).`,
    )
    expect(ran.stderr).not.toContain('==> abuild')
    expect(snapshotOf(packages)).toEqual(before)
  })

  it('writes to <workspace>/.pakman/packages by default, which the snapshot leaves out', async () => {
    const workspace = keep(makeWorkspace())
    const output = join(workspace, '.pakman/packages')
    const run = () => pakmanBuild(workspace, image, [], { XDG_CACHE_HOME: cacheHome })
    const first = await run()
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`${output}/octo/x86_64/app-0.0.0-r0.apk\n`)
    // The second build's snapshot is packed while the first one's packages are in the workspace.
    const second = await run()
    expect(second.code).toBe(0)
    const members = execFileSync('tar', ['-tf', join(workspace, '.apk/octo/app/app-0.0.0.tar')], {
      encoding: 'utf8',
    }).split('\n')
    expect(members).toContain('./bin/app')
    expect(members.filter((m) => m.includes('.pakman') || m.endsWith('.apk'))).toEqual([])
  })

  it('signs with a given key and publishes its public key', async () => {
    const workspace = makeWorkspace()
    keep(workspace)
    const keyFile = join(temp('pakman-keyin-'), 'key.pem')
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs1', format: 'pem' }))
    const packages = temp('pakman-out-')
    const ok = await build(workspace, packages, [
      '--signing-key',
      keyFile,
      '--signing-key-name',
      'ops@example.com-1',
    ])
    expect(ok.code).toBe(0)
    expect(ok.stderr).not.toContain('throwaway')
    expect(readFileSync(join(packages, 'ops@example.com-1.rsa.pub'), 'utf8')).toBe(
      pair.publicKey.export({ type: 'spki', format: 'pem' }),
    )
  })

  it('removes the container when the action is cancelled (SIGTERM)', async () => {
    const workspace = makeWorkspace(appConfig('echo "started long build"\nsleep 120'))
    keep(workspace)
    const runnerTemp = temp('pakman-runner-temp-')
    const stateFile = join(runnerTemp, 'state')
    writeFileSync(stateFile, '')
    const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], {
      env: cleanEnv({
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_RUN_NUMBER: '1',
        GITHUB_STATE: stateFile,
        RUNNER_TEMP: runnerTemp,
        INPUT_IMAGE: image,
        'INPUT_PACKAGES-DIR': temp('pakman-out-'),
        INPUT_CACHE: 'false',
        INPUT_UPLOAD: 'none',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    await waitFor(() => stdout.includes('started long build'), 60_000)
    const name = /pakman-build-[0-9a-f]{12}\b/.exec(readFileSync(stateFile, 'utf8'))?.[0]
    expect(name).toBeDefined()
    expect(containersNamed(name!)).toEqual([name])
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect(containersNamed(name!)).toEqual([])
    expect(readdirSync(runnerTemp).filter((f) => f.startsWith('pakman-key-'))).toEqual([])
    expect(stdout).toContain('::error::cancelled (SIGTERM); cleaning up')
  })

  it('removes its container, staged output and key when the CLI is interrupted (SIGINT)', async () => {
    const workspace = makeWorkspace(appConfig('echo "started long build"\nsleep 120'))
    keep(workspace)
    const keyParent = temp('pakman-cli-temp-')
    const packagesDir = join(temp('pakman-out-'), 'packages')
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist/cli.js'),
        'build',
        '--workspace',
        workspace,
        '--repository',
        'octo/app',
        '--image',
        image,
        '--packages-dir',
        packagesDir,
        '--no-cache',
      ],
      { env: cleanEnv({ TMPDIR: keyParent, XDG_CACHE_HOME: cacheHome }), stdio: 'pipe' },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    await waitFor(() => stderr.includes('started long build'), 60_000)
    const running = containersMounting(workspace)
    expect(running).toHaveLength(1)
    expect(readdirSync(keyParent).filter((f) => f.startsWith('pakman-key-'))).toHaveLength(1)
    expect(stagingBeside(packagesDir)).toHaveLength(1)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(containersNamed(running[0]!)).toEqual([])
    expect(readdirSync(keyParent).filter((f) => f.startsWith('pakman-key-'))).toEqual([])
    expect(stagingBeside(packagesDir)).toEqual([])
    expect(stderr).toContain('pakman: build: stopped (SIGINT); cleaning up')
  })

  it('runs as an action: outputs, job summary, masked key, upload, and a public key check before building', async () => {
    const github = await startFakeGitHub()
    const workspace = makeWorkspace()
    keep(workspace)
    const packages = temp('pakman-out-')
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const privateKey = String(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const inputs = {
      image,
      'packages-dir': packages,
      cache: 'false',
      'signing-key': privateKey,
      version: '2.0.1',
      upload: 'artifact,release',
      'release-tag': 'v2.0.1',
      'github-token': 'test-token',
    }
    const ran = await runAction(inputs, {
      ...github.env,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_RUN_NUMBER: '8',
      RUNNER_TEMP: temp('pakman-rt-'),
    })
    await github.close()
    expect(ran.code).toBe(0)
    expect(ran.outputs).toMatchObject({
      'artifact-name': `app-${image.replace(/[^A-Za-z0-9.]+/g, '-')}-x86_64`,
      'artifact-id': String(github.artifacts[0]!.id),
      'release-url': `${github.url}/octo/app/releases/tag/v2.0.1`,
    })
    expect(github.releases[0]!.assets.map((a) => a.name)).toContain('octo-app.rsa.pub')
    expect(ran.summary).toContain('Published: artifact <code>app-pakman-test-alpine-')
    const apk = join(packages, 'octo/x86_64/app-2.0.1-r8.apk')
    expect(JSON.parse(ran.outputs.packages!)).toEqual([
      apk,
      join(packages, 'octo/x86_64/app-openrc-2.0.1-r8.apk'),
    ])
    // the SBOMs beside the packages, released too, and every file an attestation needs, hashed
    const sboms = ['app-2.0.1-r8.spdx.json', 'app-openrc-2.0.1-r8.spdx.json']
    expect(JSON.parse(ran.outputs.sbom!)).toEqual(
      sboms.map((f) => join(packages, 'octo/x86_64', f)),
    )
    expect(github.releases[0]!.assets.map((a) => a.name)).toEqual(
      expect.arrayContaining(sboms.map((f) => expect.stringContaining(f))),
    )
    const subjects = readFileSync(ran.outputs['subject-checksums']!, 'utf8')
    const hashed = ['app-2.0.1-r8.apk', 'app-openrc-2.0.1-r8.apk', ...sboms].map((f) => {
      const content = readFileSync(join(packages, 'octo/x86_64', f))
      return `${createHash('sha256').update(content).digest('hex')}  ${f}`
    })
    expect(subjects.trim().split('\n').sort()).toEqual(hashed.sort())
    expect(ran.outputs).toMatchObject({
      'packages-dir': packages,
      version: '2.0.1',
      release: '8',
      'cache-hit': expect.stringMatching(/^(true|false)$/),
      'key-name': 'octo-app',
      'public-key': join(packages, 'octo-app.rsa.pub'),
    })
    for (const phase of [
      'Render',
      'Signing key',
      'Build environment',
      'abuild',
      'Collect packages',
    ]) {
      expect(ran.stdout).toContain(`::group::${phase}\n`)
    }
    expect(ran.summary).toContain(`<h2>PAKman: app 2.0.1-r8 (${image}, x86_64)</h2>`)
    expect(ran.summary).toContain(`<code>octo/x86_64/app-2.0.1-r8.apk</code>`)
    expect(ran.summary).toMatch(/<td>abuild<\/td><td>\d+\.\d\d<\/td>/)
    // The key reaches the log only inside ::add-mask:: commands, which the runner consumes.
    const body = privateKey.split('\n').filter((l) => l.length > 40)
    const logged = ran.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(ran.stdout).not.toContain('pakman-phase') // markers are PAKman's, not the log's
    expect(body.filter((line) => logged.some((l) => l.includes(line)))).toEqual([])
    expect(ran.stdout).toContain(`::add-mask::${body[0]}`)

    const other = String(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }),
    )
    const mismatch = await runAction(inputs, {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'octo/app',
      ABUILD_PUBLIC_KEY: other,
      RUNNER_TEMP: temp('pakman-rt-'),
    })
    expect(mismatch.code).toBe(1)
    expect(mismatch.stdout).toContain(
      '::error::the public key given does not belong to the signing key; packages signed with it would not verify',
    )
    expect(mismatch.stdout).not.toContain('::group::abuild')
  })

  it('deploys from a single build job with upload: instellar (platform fake and s3rver)', async () => {
    const platform = await startFakeInstellar()
    const s3 = await startS3()
    try {
      platform.storage = platformStorage(s3)
      const kits =
        'kits:\n  - name: web\n    main: true\n    ports:\n      - name: web\n        target: 4000\n        main: true\n'
      const workspace = makeWorkspace(`${appConfig()}stack: alpine/3.20\n${kits}`)
      keep(workspace)
      const packages = temp('pakman-out-')
      const sha = '0123456789abcdef0123456789abcdef01234567'
      const ran = await runAction(
        {
          image,
          'packages-dir': packages,
          cache: 'false',
          verify: 'false',
          version: '2.0.1',
          upload: 'instellar',
          'instellar-endpoint': platform.url,
        },
        {
          GITHUB_WORKSPACE: workspace,
          GITHUB_REPOSITORY: 'octo/app',
          GITHUB_RUN_NUMBER: '8',
          GITHUB_SHA: sha,
          GITHUB_REF: 'refs/heads/main',
          INSTELLAR_AUTH_TOKEN: platform.authToken,
          INSTELLAR_PACKAGE_TOKEN: platform.packageToken,
          RUNNER_TEMP: temp('pakman-rt-'),
        },
      )
      expect(ran.code).toBe(0)
      expect(ran.outputs['deployment-id']).toBe('1')
      const prefix = `deployments/octo/app/${sha}/x86_64`
      const keys = await s3.keys()
      expect(keys.filter((k) => k.startsWith('deployments/'))).toEqual([
        `${prefix}/APKINDEX.tar.gz`,
        `${prefix}/app-2.0.1-r8.apk`,
        `${prefix}/app-openrc-2.0.1-r8.apk`,
      ])
      expect(await s3.object(`${prefix}/app-2.0.1-r8.apk`)).toEqual(
        readFileSync(join(packages, 'octo/x86_64/app-2.0.1-r8.apk')),
      )
      expect(keys.filter((k) => k.startsWith('archives/'))).toEqual([ran.outputs['archive-path']])
      expect(platform.deployments).toMatchObject([
        { ref: 'refs/heads/main', hash: sha, stack: 'alpine/3.20' },
      ])
      expect(platform.deployments[0]!.configurations).toEqual([
        { kits: [{ name: 'web', main: true, ports: [{ name: 'web', target: 4000, main: true }] }] },
      ])
      expect(ran.summary).toContain('<h3>Instellar deployment</h3>')
      for (const secret of [platform.authToken, platform.packageToken, platform.sessionToken])
        for (const line of ran.stdout.split('\n'))
          if (line.includes(secret)) expect(line).toBe(`::add-mask::${secret}`)
    } finally {
      await platform.close()
      await s3.close()
    }
  })

  it('builds a workspace whose path has a comma and a space in it', async () => {
    const parent = temp('pakman-odd-')
    const workspace = join(parent, 'my app, v2')
    renameSync(makeWorkspace(), workspace)
    const ran = await build(workspace, temp('pakman-out-'), ['--no-install-test'])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('octo/x86_64/app-0.0.0-r0.apk')
  })

  it('suggests the image option when the base image cannot be pulled', async () => {
    const workspace = keep(makeWorkspace())
    // A registry on a closed loopback port: the pull fails at once, and nothing leaves the machine.
    const ran = await pakmanBuild(
      workspace,
      '127.0.0.1:9/pakman/missing:1',
      ['--packages-dir', temp('pakman-out-')],
      { XDG_CACHE_HOME: cacheHome },
    )
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      'pakman: cannot pull the base image 127.0.0.1:9/pakman/missing:1: ',
    )
    expect(ran.stderr).toContain('with --image REF (a mirror')
    expect(ran.stderr).not.toMatch(/\n\s+at /)
  })

  it('says clearly when Docker is missing or the daemon is down', async () => {
    const workspace = makeWorkspace()
    keep(workspace)
    const missing = await build(workspace, temp('pakman-out-'), [], {
      PAKMAN_DOCKER: '/nonexistent/docker',
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      'pakman: docker is not installed (no /nonexistent/docker on PATH)',
    )
    const down = await build(workspace, temp('pakman-out-'), [], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    })
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(
      /pakman: the Docker daemon is not reachable: .*nonexistent\/docker\.sock/,
    )
  })
})

/** Every file under `dir` (dot files too) with its bytes, to compare before and after. */
function snapshotOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile()) files[relative(dir, path)] = readFileSync(path).toString('base64')
  }
  return files
}

/** Staging directories a build left next to its output (there should be none). */
function stagingBeside(dir: string): string[] {
  const prefix = `.${basename(dir)}.pakman-staging-`
  return readdirSync(join(dir, '..')).filter((name) => name.startsWith(prefix))
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The build containers (running or not) that mount `dir`. */
function containersMounting(dir: string): string[] {
  const names = containersNamed('pakman-build-')
  if (!names.length) return []
  const mounts = execFileSync(
    'docker',
    ['inspect', '--format', '{{.Name}} {{range .Mounts}}{{.Source}} {{end}}', ...names],
    { encoding: 'utf8' },
  )
  return mounts
    .split('\n')
    .filter((line) => line.split(' ').slice(1).includes(dir))
    .map((line) => line.split(' ')[0]!.replace(/^\//, ''))
}

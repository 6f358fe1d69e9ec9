import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { archiveId } from '../src/deploy/index.js'
import { publish } from '../src/publish/index.js'
import { WITH_UNKNOWN_KEYS } from './fixtures/deployment.js'
import { runAction } from './helpers/action.js'
import { CORPUS } from './helpers/corpus.js'
import { useFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'
import { usePlatformWithS3 } from './helpers/fake-instellar.js'
import { recordingReporter } from './helpers/reporter.js'
import { cleanEnv, runNode } from './helpers/run.js'
import { VECTOR_KEY_NAME, vectorJob, vectorSigningKey } from './helpers/vector-repository.js'

/*
 * The whole action (node dist/index.js) in merge mode with upload: artifact,instellar, against the
 * loopback GitHub fake (build artifacts), the platform fake and s3rver; and `pakman push` from
 * dist/cli.js. Secrets may appear only in ::add-mask:: commands, which the runner hides.
 */
const KEY_NAME = VECTOR_KEY_NAME
const privateKey = vectorSigningKey()
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const fake = useFakeGitHub('pakman-push-action-')
const root = fake.root

let github: FakeGitHub
let workspace: string
/** A checkout whose kits, sizes, plans and page hold keys PAKman does not know. */
let unknownKeysWorkspace: string

// a numeric string works as well as a number
const { platform, s3 } = usePlatformWithS3((s3) => ({ port: String(s3.port) }))

beforeAll(async () => {
  github = fake.server()
  // two build jobs of one stack, as a matrix over architectures leaves them
  const job = (arch: string, packages: string[]) => vectorJob(root, 'alpine/3.20', arch, packages)
  await publish(
    job('x86_64', [
      'good/acme/x86_64/hello-app-1.0.3-r17.apk',
      'good/acme/x86_64/hello-app-openrc-1.0.3-r17.apk',
    ]),
    { artifact: true },
    recordingReporter(),
  )
  await publish(
    job('aarch64', ['good/noarch/x86_64/vector-notes-1.0-r0.apk']),
    { artifact: true },
    recordingReporter(),
  )

  workspace = mkdtempSync(join(root, 'checkout-'))
  const rails = readFileSync(join(CORPUS, 'pakman-fixture__rails.yml'), 'utf8')
  writeFileSync(
    join(workspace, 'instellar.yml'),
    rails.replace('stack: alpine/3.17', 'stack: alpine/3.20'),
  )
  unknownKeysWorkspace = mkdtempSync(join(root, 'checkout-'))
  writeFileSync(join(unknownKeysWorkspace, 'instellar.yml'), WITH_UNKNOWN_KEYS)
}, 60_000)

const yaml = parse(WITH_UNKNOWN_KEYS) as Record<string, unknown>
/** The configuration WITH_UNKNOWN_KEYS must send: its four sections as the YAML has them. */
const asWritten = { kits: yaml.kits, sizes: yaml.sizes, plans: yaml.plans, page: yaml.page }
/** One of the warnings about those keys, as an annotation. */
const MEMORY_UNIT_ANNOTATION =
  '::warning title=instellar.yml%3A sizes[0].allocation.memory_unit,file=instellar.yml,line=63,endLine=63,col=7,endColumn=18::unknown key memory_unit in sizes[0].allocation is sent to the platform unchecked'

const secrets = () => [
  platform.authToken,
  platform.packageToken,
  platform.sessionToken,
  s3.secretAccessKey,
]

/** Every line holding a secret is an ::add-mask:: command; nothing else shows one. */
function expectMasked(text: string): void {
  for (const line of text.split('\n'))
    for (const secret of secrets())
      if (line.includes(secret)) expect(line).toBe(`::add-mask::${secret}`)
}

/** The inputs of a merge job that deploys, with `overrides` on top. */
function mergeInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    mode: 'merge',
    'signing-key': privateKey,
    'signing-key-name': KEY_NAME,
    'packages-dir': mkdtempSync(join(root, 'merged-')),
    upload: 'instellar',
    'instellar-auth-token': platform.authToken,
    'instellar-package-token': platform.packageToken,
    'instellar-endpoint': platform.url,
    ...overrides,
  }
}

/** What the runner sets for a merge job of acme/hello-app at SHA on main. */
function runnerEnv(): NodeJS.ProcessEnv {
  return {
    ...github.env,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: root,
    GITHUB_REPOSITORY: 'acme/hello-app',
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/main',
  }
}

describe('the action in merge mode with upload: instellar (node dist/index.js)', () => {
  it('merges the build artifacts, uploads the repository to storage and creates the deployment', async () => {
    const out = mkdtempSync(join(root, 'merged-'))
    const ran = await runAction(
      mergeInputs({ 'packages-dir': out, upload: 'artifact,instellar' }),
      // WORKFLOW_REF as the opsmaru docs' workflow_run variant passes it
      { ...runnerEnv(), WORKFLOW_REF: 'main' },
    )
    expect(ran.code).toBe(0)
    const archive = `archives/${archiveId({ owner: 'acme', repo: 'hello-app', hash: SHA, stack: 'alpine/3.20' })}/packages.zip`
    expect(ran.outputs).toMatchObject({
      'artifact-name': 'hello-app-repository',
      'deployment-id': '1',
      'archive-path': archive,
    })
    expect(ran.stdout).toContain('::group::Push to Instellar\n')
    const prefix = `deployments/acme/hello-app/${SHA}`
    expect(await s3.keys()).toEqual(
      [
        archive,
        `${prefix}/aarch64/APKINDEX.tar.gz`,
        `${prefix}/aarch64/vector-notes-1.0-r0.apk`,
        `${prefix}/x86_64/APKINDEX.tar.gz`,
        `${prefix}/x86_64/hello-app-1.0.3-r17.apk`,
        `${prefix}/x86_64/hello-app-openrc-1.0.3-r17.apk`,
      ].sort(),
    )
    // the merged, signed index is what was uploaded
    expect(await s3.object(`${prefix}/x86_64/APKINDEX.tar.gz`)).toEqual(
      readFileSync(join(out, 'alpine/3.20/acme/x86_64/APKINDEX.tar.gz')),
    )
    expect(platform.deployments).toMatchObject([
      { id: 1, ref: 'main', hash: SHA, archive_path: archive, stack: 'alpine/3.20' },
    ])
    expect(platform.deployments[0]!.configurations).toHaveLength(1)

    expect(ran.summary).toContain('<h3>Instellar deployment</h3>')
    expect(ran.summary).toContain('1 (created)')
    expect(ran.summary).toContain('<code>main</code>')
    expect(ran.summary).toContain('alpine/3.20')
    const size = readFileSync(join(out, 'alpine/3.20/acme/x86_64/hello-app-1.0.3-r17.apk')).length
    expect(ran.summary).toContain(
      `<code>${prefix}/x86_64/hello-app-1.0.3-r17.apk</code></td><td>${(size / 1024).toFixed(1)} KiB`,
    )
    expect(ran.summary).toContain(`<code>${archive}</code>`)

    for (const secret of secrets()) expect(ran.stdout).toContain(`::add-mask::${secret}`)
    expectMasked(ran.stdout)
    expectMasked(ran.stderr)
    expectMasked(ran.summary)
    expect(Object.values(ran.outputs).join('\n')).not.toMatch(new RegExp(secrets().join('|')))
  }, 60_000)

  it('fails with the step and the status when the platform refuses the token, after merging nothing is deployed', async () => {
    const ran = await runAction(
      mergeInputs({ 'instellar-auth-token': 'a-token-the-platform-does-not-know' }),
      runnerEnv(),
    )
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error::authenticate (POST /publish/automation/callback): HTTP 404: the platform does not know INSTELLAR_AUTH_TOKEN',
    )
    expect(platform.routes()).toEqual(['POST /publish/automation/callback'])
    expect(await s3.keys()).toEqual([])
  }, 60_000)

  it('a cancelled run (SIGTERM) aborts the uploads in flight and creates no deployment', async () => {
    const part = s3.holdNext((r) => r.method === 'PUT' && 'uploadId' in r.query)
    let child: ChildProcess | undefined
    const running = runAction(mergeInputs(), runnerEnv(), (spawned) => (child = spawned))
    await part.reached
    child!.kill('SIGTERM')
    const ran = await running
    part.release()
    expect(ran.code).toBe(143)
    expect(ran.stdout).toContain('cancelled (SIGTERM); cleaning up')
    expect(ran.stdout).toMatch(/stopped: the run was cancelled/)
    expect(ran.stdout).toMatch(/aborted the multipart upload/)
    expect(s3.openUploads()).toEqual([])
    expect(platform.deployments).toEqual([])
    expectMasked(ran.stdout)
  }, 60_000)

  it('instellar-dry-run: prints every call, needs no tokens, sends nothing', async () => {
    // no tokens: a dry run needs none
    const inputs = mergeInputs({ 'instellar-dry-run': 'true' })
    delete inputs['instellar-auth-token']
    delete inputs['instellar-package-token']
    const ran = await runAction(inputs, runnerEnv())
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('::group::Push to Instellar (dry run)\n')
    expect(ran.stdout).toContain(`would POST ${platform.url}/publish/automation/callback`)
    expect(ran.stdout).toContain(
      `would upload s3://<bucket>/deployments/acme/hello-app/${SHA}/x86_64/APKINDEX.tar.gz`,
    )
    expect(ran.stdout).toContain(
      `would POST ${platform.url}/publish/deployments/<id>/configurations`,
    )
    expect(ran.outputs['deployment-id']).toBeUndefined()
    expect(ran.summary).toContain('<h3>Instellar deployment (dry run: nothing was sent)</h3>')
    expect(platform.requests).toEqual([])
    expect(s3.requests).toEqual([])
  }, 60_000)

  it('sends the keys PAKman does not know in kits, sizes, plans and page as written, and warns about them', async () => {
    const ran = await runAction(mergeInputs(), {
      ...runnerEnv(),
      GITHUB_WORKSPACE: unknownKeysWorkspace,
    })
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(MEMORY_UNIT_ANNOTATION)
    expect(platform.deployments[0]!.configurations).toEqual([asWritten])
  }, 60_000)

  it('instellar-dry-run prints the same configuration, unknown keys included', async () => {
    const ran = await runAction(mergeInputs({ 'instellar-dry-run': 'true' }), {
      ...runnerEnv(),
      GITHUB_WORKSPACE: unknownKeysWorkspace,
    })
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain(
      `would POST ${platform.url}/publish/deployments/<id>/configurations ${JSON.stringify({ configuration: { payload: asWritten } })}\n`,
    )
    expect(platform.requests).toEqual([])
  }, 60_000)

  it('refuses upload: instellar without the tokens before merging', async () => {
    const ran = await runAction(
      { mode: 'merge', 'signing-key': privateKey, upload: 'instellar' },
      { ...github.env, GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: 'acme/hello-app' },
    )
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error::push: the instellar-auth-token input (or INSTELLAR_AUTH_TOKEN) and the instellar-package-token input (or INSTELLAR_PACKAGE_TOKEN) must be set: pass the repository secrets',
    )
    expect(ran.stdout).not.toContain('::group::Download build artifacts')
  })
})

describe('pakman push (node dist/cli.js)', () => {
  function packages(): string {
    const dir = mkdtempSync(join(root, 'cli-packages-'))
    mkdirSync(join(dir, 'acme/x86_64'), { recursive: true })
    writeFileSync(join(dir, 'acme/x86_64/hello-app-1.0.3-r17.apk'), 'package')
    writeFileSync(join(dir, 'acme/x86_64/APKINDEX.tar.gz'), 'index')
    return dir
  }
  const env = () =>
    cleanEnv({
      INSTELLAR_AUTH_TOKEN: platform.authToken,
      INSTELLAR_PACKAGE_TOKEN: platform.packageToken,
      INSTELLAR_ENDPOINT: platform.url,
      GITHUB_REPOSITORY: 'acme/hello-app',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/heads/main',
    })

  it('pushes, prints the deployment, and never prints a secret', async () => {
    const ran = await runNode(
      'dist/cli.js',
      ['push', '--packages-dir', packages(), '--config', join(workspace, 'instellar.yml')],
      { env: env() },
    )
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(
      new RegExp(
        `^deployment 1 \\(created\\) refs/heads/main ${SHA} archives/[0-9a-f-]{36}/packages\\.zip\n$`,
      ),
    )
    expect(ran.stderr).toContain(
      `    uploaded deployments/acme/hello-app/${SHA}/x86_64/APKINDEX.tar.gz (5 bytes, 1 part)`,
    )
    for (const secret of secrets()) expect(ran.stdout + ran.stderr).not.toContain(secret)
  })

  it('Ctrl-C (SIGINT) aborts the uploads in flight, creates no deployment and exits 130', async () => {
    const part = s3.holdNext((r) => r.method === 'PUT' && 'uploadId' in r.query)
    let child: ChildProcess | undefined
    const running = runNode(
      'dist/cli.js',
      ['push', '--packages-dir', packages(), '--config', join(workspace, 'instellar.yml')],
      { env: env(), onSpawn: (spawned) => (child = spawned) },
    )
    await part.reached
    child!.kill('SIGINT')
    const ran = await running
    part.release()
    expect(ran.code).toBe(130)
    expect(ran.stderr).toMatch(/^pakman: push: upload .+: stopped: the push was interrupted$/m)
    expect(ran.stderr).toMatch(/aborted the multipart upload/)
    expect(s3.openUploads()).toEqual([])
    expect(platform.deployments).toEqual([])
  })

  it('exits 1 with the step and the status, and no secret, when the configuration is refused', async () => {
    platform.fail('POST /publish/deployments/1/configurations', 1, {
      status: 422,
      body: { errors: { page: ['title is too long'] }, token: platform.sessionToken },
    })
    const ran = await runNode(
      'dist/cli.js',
      ['push', '--packages-dir', packages(), '--config', join(workspace, 'instellar.yml')],
      { env: env() },
    )
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      'pakman: push: send the configuration (POST /publish/deployments/1/configurations): HTTP 422: the platform refused the kits, sizes, plans or page of instellar.yml: {"errors":{"page":["title is too long"]},"token":"***"}',
    )
    expect(ran.stderr).not.toContain(' at ') // no stack trace
    for (const secret of secrets()) expect(ran.stdout + ran.stderr).not.toContain(secret)
  })

  it('--dry-run prints the calls on stdout and makes none, without tokens', async () => {
    const ran = await runNode(
      'dist/cli.js',
      [
        'push',
        '--dry-run',
        '--packages-dir',
        packages(),
        '--config',
        join(workspace, 'instellar.yml'),
        '--ref',
        'refs/tags/v1',
      ],
      { env: cleanEnv({ GITHUB_REPOSITORY: 'acme/hello-app', GITHUB_SHA: SHA }) },
    )
    expect(ran.code).toBe(0)
    const lines = ran.stdout.trim().split('\n')
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'would POST',
      'would GET',
      'would GET',
      'would upload',
      'would upload',
      'would upload',
      'would POST',
      'would POST',
    ])
    expect(lines[0]).toContain('https://opsmaru.com/publish/automation/callback')
    expect(lines[6]).toContain('"ref":"refs/tags/v1"')
    expect(platform.requests).toEqual([])
    expect(s3.requests).toEqual([])
  })

  it('sends the keys PAKman does not know as written, warns about them, and --dry-run prints the same', async () => {
    const config = join(unknownKeysWorkspace, 'instellar.yml')
    const ran = await runNode(
      'dist/cli.js',
      ['push', '--packages-dir', packages(), '--config', config],
      { env: env() },
    )
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(
      `${config}:63:7: warning: unknown key memory_unit in sizes[0].allocation is sent to the platform unchecked\n`,
    )
    expect(platform.deployments[0]!.configurations).toEqual([asWritten])

    const dry = await runNode(
      'dist/cli.js',
      ['push', '--dry-run', '--packages-dir', packages(), '--config', config],
      {
        env: cleanEnv({ GITHUB_REPOSITORY: 'acme/hello-app', GITHUB_SHA: SHA, GITHUB_REF: 'main' }),
      },
    )
    expect(dry.code).toBe(0)
    expect(dry.stdout.trim().split('\n').at(-1)).toBe(
      `would POST https://opsmaru.com/publish/deployments/<id>/configurations ${JSON.stringify({ configuration: { payload: asWritten } })}`,
    )
  })

  it('names a bad flag value without touching anything', async () => {
    const ran = await runNode('dist/cli.js', ['push', '--concurrency', 'many'], { env: env() })
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toBe('pakman: --concurrency must be a whole number above 0, not many\n')
  })
})

describe('the action in merge mode with upload: s3 (node dist/index.js)', () => {
  const s3Inputs = (overrides: Record<string, string> = {}) =>
    mergeInputs({
      upload: 'artifact,s3',
      's3-bucket': s3.bucket,
      's3-prefix': 'apk',
      's3-endpoint': s3.endpoint,
      's3-path-style': 'true',
      ...overrides,
    })
  // as aws-actions/configure-aws-credentials leaves them for the next steps
  const awsEnv = () => ({
    ...runnerEnv(),
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_SESSION_TOKEN: 'pakman-oidc-session-token-77aa',
    AWS_REGION: s3.region,
  })

  it('publishes the merged repository and its front page with the credentials from the environment, and says where', async () => {
    const out = mkdtempSync(join(root, 'merged-'))
    const ran = await runAction(s3Inputs({ 'packages-dir': out }), awsEnv())
    expect(ran.code, ran.stdout).toBe(0)
    const base = `${s3.endpoint}/${s3.bucket}/apk`
    expect(ran.outputs['repository-url']).toBe(base)
    expect(JSON.parse(ran.outputs['s3-uploaded']!)).toHaveLength(8)
    expect(await s3.keys()).toEqual([
      'apk/README.md',
      'apk/alpine/3.20/acme/aarch64/APKINDEX.tar.gz',
      'apk/alpine/3.20/acme/aarch64/vector-notes-1.0-r0.apk',
      'apk/alpine/3.20/acme/x86_64/APKINDEX.tar.gz',
      'apk/alpine/3.20/acme/x86_64/hello-app-1.0.3-r17.apk',
      'apk/alpine/3.20/acme/x86_64/hello-app-openrc-1.0.3-r17.apk',
      'apk/index.html',
      `apk/${KEY_NAME}.rsa.pub`,
    ])
    // the front page written for the bucket names the bucket's URL in its install lines
    expect((await s3.object('apk/README.md')).toString()).toContain(`${base}/alpine/3.20/acme`)
    expect(ran.stdout).toContain('::group::Publish to S3\n')
    expect(ran.summary).toContain('<h3>Repository in S3</h3>')
    expect(ran.summary).toContain(`<code>${base}/alpine/3.20/acme</code>`)
    expect(platform.routes()).toEqual([]) // no Instellar call was made
    for (const secret of [s3.secretAccessKey, 'pakman-oidc-session-token-77aa']) {
      expect(ran.stdout).toContain(`::add-mask::${secret}`)
      for (const text of [ran.stdout, ran.stderr])
        for (const line of text.split('\n'))
          if (line.includes(secret)) expect(line).toBe(`::add-mask::${secret}`)
      expect(ran.summary).not.toContain(secret)
    }

    // a re-run of the job sends nothing: the merged indexes are dated by the newest package's
    // build date, so the same packages give the same index bytes
    const again = await runAction(s3Inputs(), awsEnv())
    expect(again.code, again.stdout).toBe(0)
    expect(JSON.parse(again.outputs['s3-uploaded']!)).toEqual([])
    expect(JSON.parse(again.outputs['s3-skipped']!)).toHaveLength(8)
  })

  it('without credentials, or with a bucket no host name can hold, it fails before merging', async () => {
    const ran = await runAction(s3Inputs(), runnerEnv())
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(
      /upload: s3 needs credentials: run aws-actions\/configure-aws-credentials/,
    )
    expect(ran.stdout).not.toContain('::group::Merge')
    const vhost = await runAction(s3Inputs({ 's3-path-style': 'false' }), awsEnv())
    expect(vhost.code).toBe(1)
    expect(vhost.stdout).toMatch(
      /the s3-endpoint input http:\/\/127\.0\.0\.1:\d+ is an address.*set the s3-path-style input/,
    )
    expect(vhost.stdout).not.toContain('::group::Merge')
    expect(await s3.keys()).toEqual([])
  })
})

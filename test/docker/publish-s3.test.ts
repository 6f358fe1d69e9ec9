import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishS3, type S3PublishSettings } from '../../src/publish/index.js'
import { dockerAvailable, PREPARED_PACKAGES, testImage } from '../helpers/docker.js'
import { loopbackFetch, s3PublishSettings, startS3, type FakeS3 } from '../helpers/s3.js'
import { scratchDirs } from '../helpers/scratch.js'
import { mergedVectorRepository, VECTOR_KEY_NAME } from '../helpers/vector-repository.js'

/*
 * What publish s3 uploads is a repository the real apk-tools (Alpine 3.20's, from the rootfs)
 * installs from over HTTP: a container on the host's network fetches the key from the bucket,
 * adds the repository URL publish reported, and runs apk update and apk add against s3rver on
 * 127.0.0.1, path-style and virtual-host. The image trusts the vectors' key already: it is removed
 * first, and apk update must refuse the index until the key from the bucket is in place.
 */
const docker = dockerAvailable()
const { temp } = scratchDirs()
const KEY_NAME = VECTOR_KEY_NAME

let s3: FakeS3
let repository: string
let image: string

const settings = (overrides: Partial<S3PublishSettings> = {}) =>
  s3PublishSettings(s3, repository, overrides)

/**
 * apk in a fresh container on the host's network: refused without the key, installs with it.
 * Asynchronous: s3rver answers from this process, whose event loop a spawnSync would stop.
 */
function installFrom(
  published: { repositoryUrl: string; repositories: string[] },
  hosts: string[],
) {
  const script = [
    'set -e',
    'rm -f /etc/apk/keys/pakman-test*',
    `echo "${published.repositories[0]}" > /etc/apk/repositories`,
    // busybox timeout: a hang is a failure with the output so far, not a stuck container
    'if timeout 30 apk update; then echo "UPDATE WITHOUT THE KEY"; exit 3; fi',
    `timeout 30 wget -q -O "/etc/apk/keys/${KEY_NAME}.rsa.pub" "${published.repositoryUrl}/${KEY_NAME}.rsa.pub"`,
    'timeout 30 apk update',
    'timeout 30 apk add hello-app',
    'apk info -e hello-app hello-app-openrc',
  ].join('\n')
  const child = spawn('docker', [
    ...['run', '--rm', '--network', 'host'],
    ...hosts.flatMap((host) => ['--add-host', `${host}:127.0.0.1`]),
    ...['--entrypoint', '/bin/sh', image, '-c', script],
  ])
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe.runIf(docker)('a published repository, installed by the real apk over HTTP', () => {
  beforeAll(async () => {
    // hello-app's dependencies besides the host's, registered as installed: the repository under
    // test is then the only one apk reads
    image = testImage({ installed: [...PREPARED_PACKAGES, 'ca-certificates', 'runit'] })
    s3 = await startS3()
    repository = await mergedVectorRepository(temp)
  })
  afterAll(async () => {
    await s3?.close()
  })

  it('path-style: the key from the bucket, the repository URL, apk update and apk add', async () => {
    const published = await publishS3(settings())
    expect(published.repositories).toEqual([
      `http://127.0.0.1:${s3.port}/${s3.bucket}/apk/alpine/3.20/acme`,
    ])
    const ran = await installFrom(published, [])
    expect(ran.output).toMatch(/UNTRUSTED signature/)
    expect(ran.output).not.toContain('UPDATE WITHOUT THE KEY')
    expect(ran.output).toMatch(/OK: .*distinct packages available/)
    expect(ran.output).toMatch(/Installing hello-app \(1\.0\.3-r17\)/)
    expect(ran.code, ran.output).toBe(0)
  })

  it('virtual-host: the bucket is a host name apk resolves to the loopback server', async () => {
    await s3.clear()
    const published = await publishS3(
      settings({ endpoint: s3.vhostEndpoint, pathStyle: false, fetch: loopbackFetch }),
    )
    const host = `${s3.bucket}.s3.localhost`
    expect(published.repositoryUrl).toBe(`http://${host}:${s3.port}/apk`)
    const ran = await installFrom(published, [host])
    expect(ran.output).toMatch(/Installing hello-app \(1\.0\.3-r17\)/)
    expect(ran.code, ran.output).toBe(0)
  })
})

import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dockerAvailable, rootfsImage } from '../helpers/docker.js'
import { useFakeGitHub } from '../helpers/fake-github.js'
import { deployPagesSite, pageText, type DeployedSite } from '../helpers/pages-site.js'

/*
 * upload: pages, installed from: the site the action's merge job uploads, deployed as
 * deploy-pages would (see helpers/pages-site.ts), and a real apk in a container made from the
 * Alpine rootfs running the page's own lines: trust the key from the site, add the repository,
 * update, install. (test/publish-pages.test.ts checks the artifact and the page in a browser.)
 */
const fake = useFakeGitHub('pakman-pages-test-')
const docker = dockerAvailable()

let site: DeployedSite
beforeAll(async () => {
  if (docker) site = await deployPagesSite(fake.root, fake.server())
})
afterAll(() => site?.close())

describe('upload: pages (node dist/index.js in merge mode)', () => {
  it.skipIf(!docker)(
    'installs with a real apk, running the lines the page gives',
    async () => {
      const page = readFileSync(join(site.dir, 'index.html'), 'utf8')
      const blocks = (kind: string) =>
        [...page.matchAll(new RegExp(`<code class="${kind}">([\\s\\S]*?)</code>`, 'g'))].map((m) =>
          pageText(m[1]!),
        )
      const [trust] = blocks('trust')
      const adds = blocks('add')
      for (const [stack, lines, installed] of [
        ['3.19', adds[0]!, 'vector-notes'],
        ['3.20', adds[1]!, 'hello-app'],
      ] as const) {
        const script = [
          'set -e',
          // Alpine's own mirrors are out of reach here; hello-app's dependencies on them are
          // registered as installed, empty, so that only this repository is fetched from.
          ': > /etc/apk/repositories',
          'for dep in ca-certificates curl jq runit; do apk add --quiet --no-network --virtual $dep; done',
          // Before the key is trusted, the repository's index is refused.
          `echo "${lines.split('\n')[0]!.match(/"(.*)"/)![1]}" > /tmp/repositories`,
          'if apk update --repositories-file /tmp/repositories; then echo TRUSTED-WITHOUT-KEY; fi',
          trust!,
          lines,
          `apk info -e ${installed}`,
        ].join('\n')
        // Asynchronous: the site is served from this process, which must stay free to answer.
        const result = await promisify(execFile)(
          'docker',
          [
            'run',
            '--rm',
            '--network',
            'host',
            '--entrypoint',
            '/bin/sh',
            rootfsImage(stack),
            '-c',
            script,
          ],
          { encoding: 'utf8', timeout: 120_000 },
        ).then(
          (done) => ({ ...done, code: 0 }),
          (failed: { stdout: string; stderr: string; code: number }) => failed,
        )
        const output = `${result.stdout}${result.stderr}`
        expect(result.code, output).toBe(0)
        expect(output).toContain('UNTRUSTED signature')
        expect(output).not.toContain('TRUSTED-WITHOUT-KEY')
        expect(output).toMatch(/OK: \d+ distinct packages available/)
        expect(output).toContain(`Installing ${installed} (`)
        expect(result.stdout.trim().split('\n').at(-1)).toBe(installed)
      }
    },
    240_000,
  )
})

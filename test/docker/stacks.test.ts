import { chownSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chownTree, makeWorkspace } from '../fixtures/workspace.js'
import {
  builtPublicKey,
  dockerAvailable,
  pakmanBuild,
  realApkInstall,
  realApkVerify,
  TEST_STACKS,
  testImage,
  type TestStack,
} from '../helpers/docker.js'
import { scratchDirs } from '../helpers/scratch.js'

/*
 * Every workspace owner and every image a user's runner may bring, on each Alpine rootfs we have
 * (3.18.9, 3.19.4, 3.20.3 and edge): the real apk, busybox adduser/addgroup/su and /etc/passwd of
 * that release, with the stand-in abuild (which refuses root, nested calls too). Each build must
 * pass PAKman's verify and its install test (the real `apk add`, scripts run), and the real
 * `apk verify` of the same stack must accept every package and index. Owner scenarios need root
 * to hand the workspace to other ids; as another user only the current owner is built.
 */
const docker = dockerAvailable()
const isRoot = process.getuid?.() === 0
const { temp, keep } = scratchDirs()
const results: string[] = []

interface Scenario {
  name: string
  /** uid:gid the workspace is handed to; undefined: left as made (root when tests run as root). */
  owner?: [number, number]
  /** Shell run on the image first: names and ids the build must cope with. */
  setup?: string
  /** The workspace's last path component. */
  dirName?: string
  /** Who the build script says it builds as. */
  builds: RegExp
  needsRoot: boolean
}

const SCENARIOS: Scenario[] = [
  {
    name: 'workspace owned by root (a 0700 directory)',
    builds: /building as builder \(1000:1000\)/,
    needsRoot: true,
  },
  {
    name: 'workspace owned by a uid the image lacks (1001, as on GitHub-hosted runners)',
    owner: [1001, 1001],
    builds: /building as builder \(1001:1001\)/,
    needsRoot: true,
  },
  {
    name: 'workspace owned by a uid and gid the image has under other names (guest:users)',
    owner: [405, 100],
    builds: /building as guest \(405:100\)/,
    needsRoot: true,
  },
  {
    name: 'an image that already has builder and abuild',
    owner: [1001, 1001],
    setup:
      "grep -q '^abuild:' /etc/group || addgroup -S abuild\n" +
      'addgroup -g 2000 builder\nadduser -D -u 2000 -G builder builder\naddgroup builder abuild',
    builds: /building as builder2 \(1001:1001\)/,
    needsRoot: true,
  },
  {
    name: 'an image whose uid 1000 is taken, with a root-owned workspace',
    setup: 'adduser -D -u 1000 node',
    builds: /building as node \(1000:1000\)/,
    needsRoot: true,
  },
  {
    name: 'a workspace path with spaces and a comma',
    owner: [1001, 1001],
    dirName: 'my app, v2',
    builds: /building as builder \(1001:1001\)/,
    needsRoot: true,
  },
]

describe.runIf(docker)('builds on every stack, for every owner and image', () => {
  afterAll(() => {
    if (results.length) console.log(`stack scenarios:\n${results.join('\n')}`)
  })
  if (!isRoot) {
    it.skip('owner scenarios need the tests to run as root (they chown the workspace)', () => {})
  }

  for (const stack of TEST_STACKS) {
    describe(`Alpine ${stack}`, () => {
      for (const scenario of SCENARIOS.filter((s) => isRoot || !s.needsRoot)) {
        it(scenario.name, async () => {
          await buildAndCheck(stack, scenario)
        })
      }
    })
  }
})

describe.runIf(docker)('the pre-install script on the s6 layouts', () => {
  // s6 in /bin (3.18-3.20) and in /usr/bin only (3.21 and later; the edge rootfs is 3.21 alpha).
  // A stub stands for s6-svscan: what matters is which path exists when apk runs pre-install.
  const layouts = [
    { stack: '3.20', s6: '/bin/s6-svscan', link: 'no link' },
    { stack: 'edge', s6: '/usr/bin/s6-svscan', link: '/usr/bin/s6-svscan' },
  ] as const
  for (const layout of layouts) {
    it(`on Alpine ${layout.stack}, with s6-svscan in ${layout.s6}: ${layout.link}`, async () => {
      const image = testImage({
        stack: layout.stack,
        setup: `printf '#!/bin/sh\\n' >${layout.s6} && chmod 755 ${layout.s6}`,
      })
      const workspace = keep(makeWorkspace())
      const packages = temp('pakman-out-')
      const ran = await pakmanBuild(
        workspace,
        image,
        ['--packages-dir', packages, '--no-install-test'],
        { XDG_CACHE_HOME: temp('pakman-cache-') },
      )
      expect(ran.code, ran.stderr).toBe(0)
      const installed = realApkInstall(
        image,
        packages,
        builtPublicKey(packages),
        'octo',
        'app',
        'readlink /bin/s6-svscan || echo no link; grep "^app:" /etc/passwd',
      )
      expect(installed.code, installed.output).toBe(0)
      expect(installed.output).toContain(`\n${layout.link}\n`)
      expect(installed.output).toContain('app:x:')
    })
  }
})

async function buildAndCheck(stack: TestStack, scenario: Scenario): Promise<void> {
  const image = testImage({ stack, ...(scenario.setup && { setup: scenario.setup }) })
  let workspace = keep(makeWorkspace())
  if (scenario.dirName) {
    const renamed = join(temp('pakman-odd-'), scenario.dirName)
    renameSync(workspace, renamed)
    workspace = renamed
  }
  if (scenario.owner) chownTree(workspace, ...scenario.owner)
  const owner = statSync(workspace)
  const packages = temp('pakman-out-')
  if (scenario.owner) chownSync(packages, ...scenario.owner)

  const ran = await pakmanBuild(
    workspace,
    image,
    ['--packages-dir', packages, '--pkgver', '1.4.0', '--build', '3'],
    { XDG_CACHE_HOME: temp('pakman-cache-') },
  )
  const context = `${stack}, ${scenario.name}:\n${ran.stderr}`
  expect(ran.code, context).toBe(0)
  expect(ran.stderr, context).toMatch(scenario.builds)
  // abuild itself never ran as root, and never needed -F
  expect(ran.stderr).not.toMatch(/stand-in abuild .* as root/)
  expect(ran.stderr).not.toContain('Do not run abuild as root')
  // the real apk of this stack installed it and ran its scripts
  expect(ran.stderr, context).toContain('Executing app-1.4.0-r3.pre-install')
  expect(ran.stderr, context).toContain('installed app=1.4.0-r3')

  // the real apk verify of this stack accepts everything PAKman verified
  const verified = realApkVerify(image, packages, builtPublicKey(packages))
  expect(verified.lines).toEqual([
    'octo/x86_64/APKINDEX.tar.gz: 0 - OK',
    'octo/x86_64/app-1.4.0-r3.apk: 0 - OK',
    'octo/x86_64/app-openrc-1.4.0-r3.apk: 0 - OK',
  ])
  expect(verified.code).toBe(0)

  // everything PAKman wrote belongs to the workspace owner
  const written = [
    join(packages, 'octo/x86_64/app-1.4.0-r3.apk'),
    join(workspace, '.apk/octo/app/APKBUILD'),
    join(workspace, '.apk/octo/app/app-1.4.0.tar'),
  ]
  for (const path of written)
    expect(statSync(path), path).toMatchObject({ uid: owner.uid, gid: owner.gid })
  results.push(`  ${stack.padEnd(5)} ${scenario.name}: built, apk verify OK, installed`)
}

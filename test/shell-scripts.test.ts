import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { buildScript } from '../src/abuild/scripts.js'
import { environmentScript } from '../src/environment/script.js'
import { listEntry } from '../src/shell/index.js'

const shellcheck = (text: string) =>
  spawnSync('shellcheck', ['-'], { input: text, encoding: 'utf8' })

describe('the shell that runs inside the containers', () => {
  it('installs only missing packages, one word each, without globbing', () => {
    const script = environmentScript(['alpine-sdk', 'nodejs>=20', 'pigz'].map(listEntry))
    expect(shellcheck(script)).toMatchObject({ status: 0, stdout: '' })
    expect(script).toContain('set -f')
    expect(script).toContain("for package in 'alpine-sdk' 'nodejs>=20' 'pigz'; do")
    expect(script).toContain('if ! apk info -e "$package"')
    expect(script).toContain('apk add --no-cache $missing')
  })

  it('sets up the build user, the key and abuild, then snapshots and builds', () => {
    const script = buildScript()
    expect(shellcheck(script)).toMatchObject({ status: 0, stdout: '' })
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
    const expected = [
      'set -eu',
      'echo "pakman-phase:$1"',
      // ids the image has are used under their names; new entries get a name no one has
      'group="$(name_of /etc/group "$PAKMAN_GID")"',
      'group="$(free_name /etc/group builder)"',
      'user="$(name_of /etc/passwd "$PAKMAN_UID")"',
      'user="$(free_name /etc/passwd builder)"',
      'adduser -D -H -h /pakman/home -s /bin/sh -G "$group" -u "$PAKMAN_UID" "$user"',
      "grep -q '^abuild:' /etc/group || addgroup -S abuild",
      'addgroup "$user" abuild',
      'PACKAGER_PRIVKEY="/pakman/keys/$PAKMAN_KEY_NAME.rsa"',
      'REPODEST="/pakman/packages"',
      'cp "/pakman/keys/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/',
      // root packs the workspace; abuild itself only ever runs as the build user, without -F
      '(cd "/pakman/workspace" && tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" .)',
      // the build cache's in-tree paths join the snapshot only where the workspace has none
      'if [ ! -e "/pakman/workspace/$path" ] && [ -e "/pakman/cache/source/$path" ]; then',
      '-C "/pakman/workspace" . -C /pakman/cache/source "$@"',
      // the home is not walked (the cache is mounted in it); what was restored is, when needed
      'chown "$PAKMAN_UID:$PAKMAN_GID" /pakman/home',
      'chown -R "$PAKMAN_UID:$PAKMAN_GID" /pakman/home/.abuild "$recipe" "/pakman/packages"',
      'find "$@" /pakman/cache/source ! -user "$PAKMAN_UID" -exec chown -h "$PAKMAN_UID:$PAKMAN_GID" {} +',
      'as_builder "abuild clean && abuild deps && abuild checksum"',
      'as_builder "abuild -r"',
      'su -p -s /bin/sh "$user" -c "cd \'$recipe\' && $1"',
      'chown -R "$PAKMAN_OWNER" "$recipe" "/pakman/packages"',
      'exit "$status"',
    ]
    for (const line of expected) expect(script).toContain(line)
    // The private key is only ever referred to by path; it is never read into a variable.
    expect(script).not.toMatch(/cat [^\n]*\.rsa"/)
    expect(script).not.toMatch(/PRIVATE/)
    expect(script).not.toMatch(/abuild -F/)
    // Phases in order.
    const phases = [...script.matchAll(/^\s*phase (\w+)$/gm)].map((m) => m[1])
    expect(phases).toEqual(['setup', 'snapshot', 'build', 'cache', 'finish'])
  })
})

describe('who builds', () => {
  it('is the workspace owner, or uid/gid 1000 for a root-owned workspace', async () => {
    const { buildIdentity } = await import('../src/ownership/index.js')
    expect(buildIdentity({ uid: 1001, gid: 118 })).toEqual({
      uid: 1001,
      gid: 118,
      owner: { uid: 1001, gid: 118 },
    })
    expect(buildIdentity({ uid: 0, gid: 0 })).toEqual({
      uid: 1000,
      gid: 1000,
      owner: { uid: 0, gid: 0 },
    })
    // the script takes the decision as given instead of making its own
    expect(buildScript()).not.toMatch(/1000/)
  })
})

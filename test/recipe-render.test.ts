import { describe, expect, it } from 'vitest'
import { parseConfig, STACK_PATTERN } from '../src/config/index.js'
import { formatDiagnostic } from '../src/config/diagnostics.js'
import { parseRepository, renderRecipe, type Recipe } from '../src/recipe/index.js'
import { edit, MINIMAL } from './fixtures/minimal.js'
import { lintRecipeFile } from './helpers/lint.js'

function render(text: string, repository = 'octo/app'): Recipe {
  const loaded = parseConfig(text, 'instellar.yml')
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'))
  return renderRecipe(loaded, {
    repository: parseRepository(repository)!,
    version: '1.0.0',
    release: 3,
  })
}
const file = (recipe: Recipe, name: string) =>
  recipe.files.find((f) => f.name === name)?.content ?? ''

describe('recipe rendering', () => {
  it('merges a user pre-install hook into the account script and lists it once', () => {
    const recipe = render(edit('hook:\n', 'hook:\n  pre-install: |\n    mkdir -p /srv/app\n'))
    const preInstall = file(recipe, 'app.pre-install')
    // The s6-svscan link comes first, then the account, then the user's hook.
    expect(preInstall).toMatch(
      /^#!\/bin\/sh\nif \[ ! -e \/bin\/s6-svscan \] && \[ -e \/usr\/bin\/s6-svscan \]; then\n\tln -sf \/usr\/bin\/s6-svscan \/bin\/s6-svscan\nfi\naddgroup -S app 2>\/dev\/null\nadduser -S -D -H -h \/var\/lib\/app -s \/sbin\/nologin -G app -g app app 2>\/dev\/null\n\n# pre-install hook/,
    )
    expect(preInstall).not.toContain('exit 0')
    expect(preInstall).toContain('# pre-install hook from instellar.yml\nmkdir -p /srv/app\n')
    expect(file(recipe, 'APKBUILD')).toContain(
      'install="\n$pkgname.pre-install\n$pkgname.post-install\n$pkgname.pre-deinstall\n"',
    )
    expect(recipe.files.filter((f) => f.name === 'app.pre-install')).toHaveLength(1)
    expect(lintRecipeFile(recipe.files.find((f) => f.name === 'app.pre-install')!)).toEqual([])
  })

  it('lists hooks after pre-install in name order, whatever the file order', () => {
    const text = edit(
      'hook:\n',
      'hook:\n  pre-upgrade: |\n    rc-service app stop\n  post-deinstall: |\n    rc-update del app\n',
    )
    expect(file(render(text), 'APKBUILD')).toContain(
      'install="\n$pkgname.pre-install\n$pkgname.post-deinstall\n$pkgname.post-install\n$pkgname.pre-deinstall\n$pkgname.pre-upgrade\n"',
    )
  })

  it('lists in source= only files it writes: no run, no service files, no -openrc', () => {
    const text = MINIMAL.replace(/run:[\s\S]*?hook:/, 'hook:').replace(
      '    - app-openrc\n',
      '    - bash\n',
    )
    const recipe = render(text)
    expect(recipe.files.map((f) => f.name)).toEqual([
      'APKBUILD',
      'app.pre-install',
      'app.post-install',
    ])
    const apkbuild = file(recipe, 'APKBUILD')
    expect(apkbuild).toContain('subpackages=""\n')
    expect(apkbuild).toContain('source="\n$pkgname-$pkgver.tar\n\n"')
    expect(apkbuild).not.toContain('.initd')
  })

  it('renders type: static with nginx and no services', () => {
    const recipe = render(`type: static\n${MINIMAL.replace(/run:[\s\S]*?hook:/, 'hook:')}`)
    const apkbuild = file(recipe, 'APKBUILD')
    expect(apkbuild).toContain('depends="app-openrc nginx"')
    expect(apkbuild).toContain(
      'install -Dm644 "$srcdir"/nginx.conf "$pkgdir"/etc/"$pkgname"/default.conf',
    )
    expect(apkbuild).toContain('subpackages=""\n')
  })

  it('renders type: custom with the user package() and source=', () => {
    const text = `type: custom\nsource: |\n  ../../../Caddyfile\npackage: |\n  install -Dm644 "$srcdir"/Caddyfile "$pkgdir"/etc/app/Caddyfile\n${MINIMAL}`
    const recipe = render(text)
    const apkbuild = file(recipe, 'APKBUILD')
    expect(apkbuild).toContain('source="\n$pkgname-$pkgver.tar\n../../../Caddyfile\n"')
    expect(apkbuild).toContain(
      'package() {\ninstall -Dm644 "$srcdir"/Caddyfile "$pkgdir"/etc/app/Caddyfile\n}\n',
    )
    expect(recipe.files.map((f) => f.name)).toEqual([
      'APKBUILD',
      'app.pre-install',
      'app.post-install',
    ])
  })

  it('names every service file after the package when run.name differs, and says so', () => {
    const recipe = render(MINIMAL, 'upmaru/uplink-caddy')
    expect(recipe.files.map((f) => f.name)).toContain('uplink-caddy.initd')
    expect(file(recipe, 'uplink-caddy.run')).toContain('cd /var/lib/uplink-caddy || exit 1')
    expect(recipe.diagnostics.map(formatDiagnostic)).toEqual([
      'instellar.yml:12:9: warning: run.name app differs from the package name uplink-caddy (from the repository upmaru/uplink-caddy); the service files, account and /var/lib directory will all be named uplink-caddy. Set run.name: uplink-caddy to match',
      "instellar.yml:5:7: warning: app-openrc is not this package's service subpackage (uplink-caddy-openrc); apk will look for a package named app-openrc",
    ])
  })

  it('depends on what the generated service files run, after the list as written', () => {
    const depends = (text: string) => /^depends="(.*)"$/m.exec(file(render(text), 'APKBUILD'))![1]
    expect(depends(MINIMAL)).toBe('app-openrc bash curl jq s6 execline')
    // the user's list stays as written (a repeated entry once); a name in any form counts
    expect(
      depends(edit('    - app-openrc\n', '    - s6>=2.11\n    - jq\n    - app-openrc\n    - jq\n')),
    ).toBe('s6>=2.11 jq app-openrc bash curl execline')
    // without a service nothing is added; a static site gets nginx
    const noRun = MINIMAL.replace(/run:[\s\S]*?hook:/, 'hook:')
    expect(depends(noRun)).toBe('app-openrc')
    expect(depends(`type: static\n${noRun}`)).toBe('app-openrc nginx')
  })

  it('runs the service and its commands as root unless run.unprivileged', () => {
    const root = render(MINIMAL)
    expect(root.serviceUser).toBe('root')
    expect(file(root, 'app.run')).toContain('\t\texec /usr/bin/node server.js 2>&1\n')
    expect(file(root, 'app.env-exec')).toContain('\nexec bash -c "$@"\n')

    const own = render(edit('run:\n', 'run:\n  unprivileged: true\n'))
    expect(own.serviceUser).toBe('app')
    const run = file(own, 'app.run')
    expect(run).toContain('\nexport HOME=/var/lib/app\n')
    expect(run).toContain('\t\texec s6-setuidgid app /usr/bin/node server.js 2>&1\n')
    // the variables are read as root first: the LXD socket
    expect(run.indexOf('source /var/lib/app/bin/environment')).toBeLessThan(
      run.indexOf('s6-setuidgid'),
    )
    expect(file(own, 'app.env-exec')).toContain('\nexec s6-setuidgid app bash -c "$@"\n')
    for (const f of own.files) expect(lintRecipeFile(f), f.name).toEqual([])
    expect(render(MINIMAL.replace(/run:[\s\S]*?hook:/, 'hook:')).serviceUser).toBeUndefined()
  })

  it('cleans up on removal what running the service left, before a user pre-deinstall hook', () => {
    const recipe = render(edit('hook:\n', 'hook:\n  pre-deinstall: |\n    echo bye\n'))
    const script = file(recipe, 'app.pre-deinstall')
    expect(script).toMatch(/^#!\/bin\/sh\nif \[ "\$\(readlink \/var\/svc\.d\/app\)" = /)
    expect(script).toContain(
      'if [ -L /var/lib/app/service/app ]; then\n\trm -f /var/lib/app/service/app\n',
    )
    expect(script).toContain('if ! s6-svok /var/lib/app/service 2>/dev/null; then\n')
    expect(script).toMatch(/\nfi\n\n# pre-deinstall hook from instellar.yml\necho bye\n$/)
    expect(recipe.files.filter((f) => f.name === 'app.pre-deinstall')).toHaveLength(1)
    expect(lintRecipeFile(recipe.files.find((f) => f.name === 'app.pre-deinstall')!)).toEqual([])
  })

  it.each(['3.18', '3.19', '3.20', '3.21', '3.22', '3.23', '3.24', 'edge'])(
    'accepts stack: alpine/%s (config and the stack input alike)',
    (version) => {
      expect(render(`stack: alpine/${version}\n${MINIMAL}`).packageName).toBe('app')
      expect(STACK_PATTERN.test(`alpine/${version}`)).toBe(true)
    },
  )

  it.each(['alpine/3', 'alpine/latest', 'alpine/v3.20', 'debian/12'])(
    'refuses stack: %s',
    (stack) => {
      const loaded = parseConfig(`stack: ${stack}\n${MINIMAL}`, 'instellar.yml')
      expect(loaded.ok).toBe(false)
      expect(STACK_PATTERN.test(stack)).toBe(false)
    },
  )

  it('keeps single-quoted call words for env-exec and the run script', () => {
    const recipe = render(edit('call: db:migrate', "call: eval 'App.Release.migrate'"))
    expect(file(recipe, 'app.initd')).toContain(
      `/var/lib/app/bin/env-exec "/var/lib/app/bin/app eval 'App.Release.migrate'"`,
    )
  })

  it('sets options from trace and strip_binary', () => {
    expect(file(render(MINIMAL), 'APKBUILD')).toContain('options="!check !tracedeps"')
    const traced = edit(
      '  runtime:',
      '  trace: true\n  runtime:',
      edit('    - dist\n', '    - dist\n  strip_binary: false\n'),
    )
    expect(file(render(traced), 'APKBUILD')).toContain('options="!check !strip"')
  })
})

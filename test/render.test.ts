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
      'install="\n$pkgname.pre-install\n$pkgname.post-install\n"',
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
      'install="\n$pkgname.pre-install\n$pkgname.post-deinstall\n$pkgname.post-install\n$pkgname.pre-upgrade\n"',
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
      'instellar.yml:5:5: warning: run: services are supervised by s6, but s6 is not in dependencies.runtime; add it, or the service cannot start',
    ])
  })

  it('warns about a service without s6 among the runtime dependencies, and only then', () => {
    const warned = (text: string) =>
      render(text).diagnostics.filter((d) => d.message.includes('supervised by s6'))
    expect(warned(MINIMAL)).toHaveLength(1)
    expect(warned(edit('    - app-openrc\n', '    - app-openrc\n    - s6>=2.11\n'))).toEqual([])
    expect(warned(MINIMAL.replace(/run:[\s\S]*?hook:/, 'hook:'))).toEqual([])
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

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Recipe } from '../../src/recipe/index.js'
import { sbomPath } from '../../src/sbom/index.js'

/**
 * Runs a rendered recipe's own _pakman_sbom over `files` (path → content) as abuild would call it
 * for the main package, with the host's sh, GNU tools and awk; returns the document it wrote.
 */
export function recipeSbom(
  recipe: Recipe,
  files: Record<string, string> = {},
  epoch = '1700000000',
): string {
  const dir = mkdtempSync(join(tmpdir(), 'pakman-sbom-'))
  try {
    const startdir = join(dir, 'recipe')
    const pkgdir = join(dir, 'pkg')
    mkdirSync(startdir)
    mkdirSync(pkgdir)
    for (const file of recipe.files) writeFileSync(join(startdir, file.name), file.content)
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(pkgdir, path, '..'), { recursive: true })
      writeFileSync(join(pkgdir, path), content)
    }
    execFileSync(
      'sh',
      // abuild's world: the recipe's variables and functions, stripbin, then the call it makes.
      ['-c', 'stripbin() { :; }; . "$startdir/APKBUILD"; _pakman_sbom "$pkgdir" "$pkgname"'],
      {
        env: {
          PATH: process.env.PATH,
          startdir,
          pkgdir,
          CARCH: 'x86_64',
          SOURCE_DATE_EPOCH: epoch,
        },
      },
    )
    const version = `${recipe.version}-r${recipe.release}`
    return readFileSync(join(pkgdir, sbomPath(recipe.packageName, version)), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

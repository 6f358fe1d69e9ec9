// Bundles the action and the CLI into dist/ as ESM (see action-conventions.md §2: never CommonJS).
import { build } from 'esbuild'
import { rm } from 'node:fs/promises'

await rm('dist', { recursive: true, force: true })
await build({
  entryPoints: { index: 'src/bin/action.ts', cli: 'src/bin/cli.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); give them one (aliased to avoid clashes).
  banner: {
    js: "import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);",
  },
})

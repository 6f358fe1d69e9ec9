import packageJson from '../../package.json' with { type: 'json' }

/** PAKman's own version; esbuild inlines package.json into dist/cli.js, so it travels with it. */
export const VERSION: string = packageJson.version

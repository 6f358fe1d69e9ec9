import packageJson from '../../package.json' with { type: 'json' }

/** PAKman's own version (--version, the SBOM's creator); esbuild inlines package.json into dist/. */
export const VERSION: string = packageJson.version

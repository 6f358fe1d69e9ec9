/*
 * Every setting a user gives PAKman, once: its name (the action input's, which messages use), what
 * action.yml says of it and its default there, the environment variables it falls back to, and the
 * CLI flag that spells it with the commands that take it. action.yml's inputs and the README's CLI
 * lines are checked against this table (test/settings-table.test.ts), the README's inputs table
 * against action.yml (test/readme.test.ts); the CLI's options, help and "it takes" messages are
 * built from it, and the action reads its inputs by these names.
 */

/** The pakman commands. */
export type CommandName =
  | 'check'
  | 'bootstrap'
  | 'build'
  | 'verify'
  | 'sbom'
  | 'push'
  | 'publish'
  | 'site'
  | 'schema'
  | 'help'

export interface Flag {
  /** The flag without its dashes; two settings may share one when no command takes both. */
  name: string
  /** What the value looks like in usage lines; none for an on/off flag. */
  value?: string
  /** Given more than once for more values. */
  multiple?: boolean
  /** The flag turns the setting off (--no-cache for cache). */
  negates?: boolean
  help: string
  commands: readonly CommandName[]
}

export interface Setting {
  /** action.yml's description; a setting without one is not an input of the action. */
  input?: string
  /** The value the action takes when the input is not given, as action.yml writes it. */
  default?: string
  /** Environment variables read, in order, when the input or flag is not given. */
  env?: readonly string[]
  /** An environment variable set but empty is a value (the original PAKman's rule for these). */
  emptyEnvIsValue?: boolean
  /** Masked in the Actions log the moment it is read. */
  secret?: boolean
  /** The CLI's spelling; none where only the action takes the setting. */
  flag?: Flag
}

const RENDERS: readonly CommandName[] = ['check', 'bootstrap', 'build']

/** In the order action.yml lists the inputs and help lists the flags. */
export const SETTINGS = {
  config: {
    input: 'Path of the config file, relative to the workspace.',
    default: 'instellar.yml',
    flag: {
      name: 'config',
      value: 'FILE',
      help: 'the config file (default: instellar.yml in the workspace)',
      commands: [...RENDERS, 'push'],
    },
  },
  workspace: {
    input: 'The checked-out repository. Defaults to GITHUB_WORKSPACE.',
    env: ['GITHUB_WORKSPACE'],
    flag: {
      name: 'workspace',
      value: 'DIR',
      help: 'the application repository (default: GITHUB_WORKSPACE, else the current directory)',
      commands: [...RENDERS, 'push'],
    },
  },
  repository: {
    input:
      'OWNER/NAME the package is named after. Defaults to the repository running the workflow.',
    flag: {
      name: 'repository',
      value: 'OWNER/NAME',
      help: 'the package is named after NAME (default: GITHUB_REPOSITORY, else the origin remote)',
      commands: [...RENDERS, 'push'],
    },
  },
  version: {
    input:
      'Package version (a leading v is dropped). Defaults to the first field of `git describe --tags --always`, or 0.0.0.',
    flag: {
      name: 'pkgver',
      value: 'VERSION',
      help: 'package version, a leading v dropped (default: git describe --tags --always)',
      commands: RENDERS,
    },
  },
  'build-number': {
    input: "Package release (pkgrel). Defaults to the workflow's run number.",
    flag: {
      name: 'build',
      value: 'N',
      help: 'build number, pkgrel (default: GITHUB_RUN_NUMBER, else 0)',
      commands: RENDERS,
    },
  },
  build: {
    input: 'false renders the recipe only, without building packages.',
    default: 'true',
  },
  stack: {
    input:
      'Alpine stack such as alpine/3.20 or alpine/edge; overrides instellar.yml (for matrix jobs).',
    flag: {
      name: 'stack',
      value: 'alpine/3.N',
      help: "overrides stack: in the config; publish: the stack a build's output goes under when it has no pakman.json",
      commands: ['build', 'push', 'publish'],
    },
  },
  image: {
    input:
      'Base image instead of alpine:<version> (a mirror, a private registry, or a prepared image with abuild and the dependencies).',
    flag: {
      name: 'image',
      value: 'REF',
      help: 'base image instead of alpine:<N>',
      commands: ['build'],
    },
  },
  arch: {
    input:
      "Alpine architecture to build (x86_64, aarch64, …). Defaults to the runner's. Others need QEMU (docker/setup-qemu-action).",
    flag: {
      name: 'arch',
      value: 'ARCH',
      help: "Alpine architecture (default: this machine's)",
      commands: ['build'],
    },
  },
  'packages-dir': {
    input:
      "Where packages are written, in abuild's layout (<repo>/<arch>/*.apk and APKINDEX.tar.gz). Must be new, empty, or written by PAKman before (it holds .pakman-output); its contents are replaced only after a build that succeeded. Defaults to ~/packages.",
    flag: {
      name: 'packages-dir',
      value: 'DIR',
      help: 'output directory (default: <workspace>/.pakman/packages); one holding files PAKman did not write is refused',
      commands: ['build', 'push'],
    },
  },
  'signing-key': {
    input:
      'PEM RSA private key that signs the packages and the index; pass a secret. Without one, a throwaway key is made (with a warning). ABUILD_PRIVATE_KEY in the environment works too.',
    secret: true,
    flag: {
      name: 'signing-key',
      value: 'FILE',
      help: 'PEM RSA private key (default: a throwaway key, with a warning)',
      commands: ['build'],
    },
  },
  'signing-key-name': {
    input:
      'Key name; packages refer to <name>.rsa.pub. Defaults to <owner>-<repo> as slugs, as the original PAKman named it; a throwaway key (no signing-key) is named <owner>-<repo>-throwaway-<fingerprint> unless this is set.',
    flag: {
      name: 'signing-key-name',
      value: 'NAME',
      help: 'packages refer to NAME.rsa.pub (default: <owner>-<repo>; a throwaway key: <owner>-<repo>-throwaway-<fingerprint>)',
      commands: ['build'],
    },
  },
  signature: {
    input:
      'The signatures on packages and indexes. rsa (RSA/SHA-1, the default) is what abuild writes and every apk reads; rsa256 signs with RSA/SHA-256 instead; both writes an RSA256 and an RSA signature, RSA256 first. PAKman re-signs on the runner for rsa256 and both, on every stack. A merge signs its indexes as the build jobs did, and refuses a signature here that says otherwise.',
    flag: {
      name: 'signature',
      value: 'rsa|rsa256|both',
      help: 'the signatures on packages and indexes: rsa (RSA/SHA-1, the default, what every apk reads), rsa256 (RSA/SHA-256), both (RSA256 first, then RSA)',
      commands: ['build'],
    },
  },
  cache: {
    input: 'Cache the build environment image with the Actions cache.',
    default: 'true',
    flag: {
      name: 'no-cache',
      negates: true,
      help: 'do not keep the build environment in ~/.cache/pakman',
      commands: ['build'],
    },
  },
  'build-cache': {
    input:
      "Keep the build command's dependency caches (npm, yarn, pnpm, Bundler, Hex and Mix, Go, Cargo, pip, Composer, ccache and more, under the build user's home; never its credentials) in the Actions cache, keyed by the stack, architecture, dependencies and lockfiles. false touches no cache.",
    default: 'true',
    flag: {
      name: 'no-build-cache',
      negates: true,
      help: "do not keep the build command's dependency caches in ~/.cache/pakman/build",
      commands: ['build'],
    },
  },
  'build-cache-paths': {
    input:
      'In-tree paths to keep as well, relative to the workspace (one per line or comma-separated), such as _build, deps, node_modules, vendor/bundle, tmp/cache/assets - restored into the source before build.command (where the checkout has none), saved after it.',
    flag: {
      name: 'build-cache-path',
      value: 'PATH',
      multiple: true,
      help: 'an in-tree path to keep between builds as well (_build, deps, node_modules); repeat for more',
      commands: ['build'],
    },
  },
  'build-cache-limit': {
    input: 'An entry larger than this (such as 4G or 500M) is not saved, with a notice.',
    default: '4G',
    flag: {
      name: 'build-cache-limit',
      value: 'SIZE',
      help: 'a build cache entry larger than this is not saved (default: 4G)',
      commands: ['build'],
    },
  },
  sbom: {
    input:
      "An SPDX 2.3 SBOM in every package (/var/lib/db/sbom/<package>-<version>.spdx.json) listing its files with their checksums, its runtime dependencies and the application's dependencies from the lockfiles, and a copy beside each package. false builds packages without one.",
    default: 'true',
    flag: {
      name: 'no-sbom',
      negates: true,
      help: 'no SPDX SBOM in the packages (default: one in each, at /var/lib/db/sbom/)',
      commands: RENDERS,
    },
  },
  verify: {
    input:
      'false skips the install test (apk add in a clean container). Signatures, checksums and the index are always verified.',
    default: 'true',
    flag: {
      name: 'no-install-test',
      negates: true,
      help: 'skip installing the main package in a clean container',
      commands: ['build'],
    },
  },
  upload: {
    input:
      "Where the packages go - artifact, release, instellar, pages, s3, none, or a comma list such as artifact,instellar. release needs a tag (a tag push, or release-tag). instellar deploys to Instellar/OpsMaru as the original's pakman push did (in merge mode, or in a single build job) and needs the two instellar tokens. pages (merge mode) writes a front page (index.html, README.md) into the repository and uploads it as the github-pages artifact for actions/deploy-pages. s3 publishes the signed repository to an S3-compatible bucket (s3-bucket) for apk to install from, with a front page in merge mode.",
    default: 'artifact',
  },
  'repository-url': {
    input:
      "The public URL the repository is served at, for its front page's install lines and the repository-url output. Defaults, for upload pages, to https://<owner>.github.io/<repo>/, for upload s3 to the bucket's own URL; set it for a custom domain or a CDN.",
    flag: {
      name: 'repository-url',
      value: 'URL',
      help: "where users fetch the repository, a CDN or custom domain (default: the bucket's own URL)",
      commands: ['publish'],
    },
  },
  'artifact-name': {
    input: 'Artifact name. Defaults to <package>-<stack>-<arch>, unique across a matrix.',
  },
  'release-tag': {
    input:
      'Tag whose release gets the packages, the index and the public key. Defaults to the pushed tag.',
  },
  'github-token': {
    input: 'Token for the release API (needs contents write).',
    default: '${{ github.token }}',
    env: ['GITHUB_TOKEN'],
  },
  'instellar-auth-token': {
    input:
      'For upload instellar - the INSTELLAR_AUTH_TOKEN secret, traded for a session token. INSTELLAR_AUTH_TOKEN in the environment works too. Masked in the log.',
    env: ['INSTELLAR_AUTH_TOKEN'],
    secret: true,
  },
  'instellar-package-token': {
    input:
      'For upload instellar - the INSTELLAR_PACKAGE_TOKEN secret, sent with every platform call. INSTELLAR_PACKAGE_TOKEN in the environment works too. Masked in the log.',
    env: ['INSTELLAR_PACKAGE_TOKEN'],
    secret: true,
  },
  'instellar-endpoint': {
    input: "The platform's URL. Defaults to INSTELLAR_ENDPOINT, else https://opsmaru.com.",
    env: ['INSTELLAR_ENDPOINT'],
    flag: {
      name: 'endpoint',
      value: 'URL',
      help: 'the platform (default: INSTELLAR_ENDPOINT, else https://opsmaru.com)',
      commands: ['push'],
    },
  },
  'workflow-sha': {
    input: 'The commit to deploy. Defaults to WORKFLOW_SHA, else GITHUB_SHA.',
    env: ['WORKFLOW_SHA', 'GITHUB_SHA'],
    emptyEnvIsValue: true,
    flag: {
      name: 'sha',
      value: 'SHA',
      help: 'the commit to deploy (default: WORKFLOW_SHA, else GITHUB_SHA)',
      commands: ['push'],
    },
  },
  'workflow-ref': {
    input: 'The ref the deployment is for. Defaults to WORKFLOW_REF, else GITHUB_REF.',
    env: ['WORKFLOW_REF', 'GITHUB_REF'],
    emptyEnvIsValue: true,
    flag: {
      name: 'ref',
      value: 'REF',
      help: 'the ref the deployment is for (default: WORKFLOW_REF, else GITHUB_REF)',
      commands: ['push'],
    },
  },
  'instellar-dry-run': {
    input:
      'true prints every platform and storage call upload instellar would make, and makes none.',
    default: 'false',
    flag: {
      name: 'dry-run',
      help: 'print every call it would make, and make none',
      commands: ['push'],
    },
  },
  's3-bucket': {
    input:
      'For upload s3 - the bucket the repository goes to (AWS S3, Cloudflare R2, MinIO, Backblaze B2, GCS).',
    flag: {
      name: 'bucket',
      value: 'NAME',
      help: 'the bucket to publish the repository to',
      commands: ['publish'],
    },
  },
  's3-prefix': {
    input:
      'For upload s3 - a folder in the bucket the repository goes under; <prefix>/<stack>/<repo>/<arch>/ and <prefix>/<key-name>.rsa.pub. Defaults to the top.',
    flag: {
      name: 'prefix',
      value: 'PATH',
      help: 'a folder in the bucket the repository goes under (default: the top)',
      commands: ['publish'],
    },
  },
  's3-region': {
    input:
      "For upload s3 - the bucket's region. Defaults to AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.",
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    flag: {
      name: 'region',
      value: 'REGION',
      help: "the bucket's region (default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1)",
      commands: ['publish'],
    },
  },
  's3-endpoint': {
    input:
      'For upload s3 - the S3 API of a store other than AWS, such as https://<account>.r2.cloudflarestorage.com. Defaults to https://s3.<region>.amazonaws.com.',
    flag: {
      name: 'endpoint',
      value: 'URL',
      help: 'the S3 API of a store other than AWS (R2, MinIO, Backblaze, GCS), e.g. https://<account>.r2.cloudflarestorage.com',
      commands: ['publish'],
    },
  },
  's3-path-style': {
    input:
      'For upload s3 - true addresses the bucket as <endpoint>/<bucket>/ (MinIO, most self-hosted stores) instead of <bucket>.<endpoint host>/.',
    default: 'false',
    flag: {
      name: 'path-style',
      help: 'address the bucket as <endpoint>/<bucket>/ (MinIO, most self-hosted stores) instead of <bucket>.<endpoint host>/',
      commands: ['publish'],
    },
  },
  's3-access-key-id': {
    input:
      'For upload s3 - the access key. Defaults to AWS_ACCESS_KEY_ID, as aws-actions/configure-aws-credentials sets it. Masked in the log.',
    env: ['AWS_ACCESS_KEY_ID'],
    secret: true,
  },
  's3-secret-access-key': {
    input: 'For upload s3 - the secret key. Defaults to AWS_SECRET_ACCESS_KEY. Masked in the log.',
    env: ['AWS_SECRET_ACCESS_KEY'],
    secret: true,
  },
  's3-session-token': {
    input:
      "For upload s3 - a temporary credential's session token. Defaults to AWS_SESSION_TOKEN. Masked in the log.",
    env: ['AWS_SESSION_TOKEN'],
    secret: true,
  },
  's3-overwrite': {
    input:
      'For upload s3 - true replaces packages the bucket holds with other bytes under the same name; by default they are refused and nothing is uploaded, since a version must not change under its name.',
    default: 'false',
    flag: {
      name: 'overwrite',
      help: 'replace packages that are in the bucket already with other bytes (default: refuse, a version must not change under its name)',
      commands: ['publish'],
    },
  },
  's3-prune': {
    input:
      'For upload s3 - true deletes the packages no index lists any more, in the directories published. Nothing is deleted otherwise.',
    default: 'false',
    flag: {
      name: 'prune',
      help: 'delete packages no index lists any more, in the directories published (default: delete nothing)',
      commands: ['publish'],
    },
  },
  mode: {
    input:
      "build (default), or merge - in a job that needs the build jobs - to assemble one repository <stack>/<repo>/<arch>/ from this run's package artifacts, with indexes signed by signing-key.",
    default: 'build',
  },
  // The CLI's own: the action has no input for these.
  concurrency: {
    flag: {
      name: 'concurrency',
      value: 'N',
      help: 'files uploaded at once (default: 2 for push, 4 for publish)',
      commands: ['push', 'publish'],
    },
  },
  'trusted-key': {
    flag: {
      name: 'key',
      value: 'NAME.rsa.pub',
      multiple: true,
      help: 'a public key to trust (its file name is its name); repeat for more',
      commands: ['verify'],
    },
  },
  components: {
    flag: {
      name: 'components',
      help: 'one line per dependency instead of the document: package, CONTAINS or DEPENDS_ON, name, version, purl',
      commands: ['sbom'],
    },
  },
  'site-url': {
    flag: {
      name: 'url',
      value: 'URL',
      help: 'the public URL the directory is served at, as the install lines give it (https://owner.github.io/repo/)',
      commands: ['site'],
    },
  },
  'site-title': {
    flag: {
      name: 'title',
      value: 'TEXT',
      help: 'the heading of the page (default: Alpine Linux packages)',
      commands: ['site'],
    },
  },
} as const satisfies Record<string, Setting>

/** A setting's name, as action.yml and messages spell it. */
export type SettingKey = keyof typeof SETTINGS

import { z } from 'zod'
import { CALL } from '../shell/index.js'

/*
 * The whole of instellar.yml as one zod schema.
 *
 * Values that end up inside generated shell or in file names are held to the patterns below; this is
 * the one place where YAML input is checked for anything that could break out of its place in a
 * script. Blocks that are shell by design (build.command, hooks, package, source) are strings
 * pasted verbatim into the APKBUILD.
 */

/** The helper PAKman's init script defines (src/recipe/templates.ts). */
export const LINK_SERVICE_DIR = 'link_service_dir'

/** Package, service and user names: what apk, OpenRC, s6 and adduser all accept. */
export const NAME = /^[a-z0-9][a-z0-9._-]*$/
/** openrc `extra_commands` entries become shell function names; variables, shell variables. */
export const SHELL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
/** A program name looked up in `path` or the app's bin/ directory: one path segment. */
export const BINARY = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/
/** An absolute directory made of plain segments. */
const ABSOLUTE_DIR = /^(?:\/[A-Za-z0-9_+][A-Za-z0-9._+-]*)+\/?$/
/** An apk dependency: optional `!` (conflict), optional provider prefix, optional version rule. */
const APK_DEPENDENCY =
  /^!?(?:[a-z]+:)?[A-Za-z0-9_][A-Za-z0-9._+-]*(?:(?:[<>]=?|=|~|><)[A-Za-z0-9._+*-]+)?$/

/** The package an apk dependency names, without its version rule (`s6>=2.11` → `s6`). */
export function dependencyName(dependency: string): string {
  return dependency.replace(/[<>=~].*$/, '')
}

/** A path relative to the build directory; globs allowed, expanded by the shell at package time. */
const DESTINATION_PATH =
  '(?!\\/)(?!.*(?:^|\\/)\\.\\.(?:\\/|$))[A-Za-z0-9._*?[\\]+@=,%-]+(?:\\/[A-Za-z0-9._*?[\\]+@=,%-]+)*'
const DESTINATION = new RegExp(`^${DESTINATION_PATH}\\/?$`)
/**
 * The 2021 `build.destination: dir`, which is built as `dir/*` (see legacy.ts): the same path with
 * any number of trailing slashes, since they are stripped before `/*` is added.
 */
export const LEGACY_DESTINATION = new RegExp(`^${DESTINATION_PATH}\\/*$`)

export const STAGES = [
  'pre-install',
  'post-install',
  'pre-upgrade',
  'post-upgrade',
  'pre-deinstall',
  'post-deinstall',
] as const
export type Stage = (typeof STAGES)[number]

/**
 * `alpine/3.N` or `alpine/edge`: any release branch (3.18-3.24 today, and later ones), so a new
 * Alpine release needs no PAKman release. The generated scripts cover 3.18-3.24 and edge.
 */
export const STACK_PATTERN = /^alpine\/(?:3\.\d{1,2}|edge)$/
export const STACK_FORM = 'alpine/3.19 or alpine/edge'

/** `alpine/3.20` → `alpine-3.20`: a stack (or an image) as part of a file, artifact or cache name. */
export function stackSlug(stack: string): string {
  return stack.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '')
}

/** apk architecture names (abuild's CARCH values) plus `noarch`. */
export const ARCHITECTURES = [
  'x86_64',
  'x86',
  'aarch64',
  'armhf',
  'armv7',
  'ppc64le',
  's390x',
  'riscv64',
  'loongarch64',
  'noarch',
] as const
export type Architecture = (typeof ARCHITECTURES)[number]

const name = z.string().regex(NAME, {
  error: "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
})

const binary = z.string().regex(BINARY, {
  error: 'must be a program name without a directory (put the directory in path)',
})

const path = z.string().regex(ABSOLUTE_DIR, {
  error: "must be an absolute directory such as /usr/bin, without '..', spaces or quotes",
})

const call = z.string().regex(CALL, {
  error:
    "may hold words and 'single-quoted' words only: no $, backticks, double quotes, backslashes, globs, ';', '&', '|', '<', '>' or newlines",
})

const shellBlock = z.string()

const dependency = z.string().regex(APK_DEPENDENCY, {
  error: 'is not an apk package name (letters, digits, . _ + - and an optional version rule)',
})

const destination = z.string().regex(DESTINATION, {
  error:
    "must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$'",
})

export const dependenciesSchema = z.strictObject({
  build: z.array(dependency),
  runtime: z.array(dependency).optional(),
  trace: z.boolean().optional(),
})

export const buildSchema = z.strictObject({
  command: shellBlock,
  destinations: z.array(destination).min(1).optional(),
  strip_binary: z.boolean().optional(),
})

export const commandSchema = z.strictObject({
  name: z.string().regex(SHELL_IDENTIFIER, {
    error: 'becomes a shell function name: letters, digits and _ only, not starting with a digit',
  }),
  binary,
  call: call.optional(),
  path: path.optional(),
})

export const serviceSchema = z.strictObject({
  name: name,
  binary,
  path: path.optional(),
  start: z.strictObject({ call: call.optional() }),
  stop: z
    .strictObject({
      call: call.optional(),
      kill: z.boolean().optional(),
      pid_path: z.string().optional(),
    })
    .optional(),
})

export const runSchema = z.strictObject({
  name: name,
  commands: z.array(commandSchema).optional(),
  services: z.array(serviceSchema).min(1, { error: 'must list at least one service' }),
  /**
   * Services and commands run as the package's own account instead of root. Off by default: the
   * original's packages run as root, and a fleet upgrading from them must keep doing so.
   */
  unprivileged: z.boolean().optional(),
})

export const hookSchema = z.strictObject(
  Object.fromEntries(STAGES.map((stage) => [stage, shellBlock.optional()])) as Record<
    Stage,
    z.ZodOptional<z.ZodString>
  >,
)

/*
 * Deployment settings for Instellar. PAKman checks the keys it knows and sends the sections as
 * written: the platform's schema moves faster than PAKman's, so a key unknown here is warned about
 * and sent all the same, as the original sends them.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()])

const variableSchema = z.strictObject({
  key: z.string().regex(SHELL_IDENTIFIER, {
    error: 'must be an environment variable name',
  }),
  default_value: scalar.optional(),
  driver: z.string().optional(),
  driver_options: z.record(z.string(), z.unknown()).optional(),
  required: z.boolean().optional(),
})

/** A TCP or UDP port number: 0 is not one a service can listen on. */
const port = z.number().int().min(1).max(65535)

const portSchema = z.strictObject({
  name: z.string(),
  target: port,
  source: port.optional(),
  main: z.boolean().optional(),
  proxy_protocol: z.boolean().optional(),
})

const forkSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  default_size: z.string().optional(),
  variables: z.array(variableSchema).optional(),
})

export const kitSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  main: z.boolean().optional(),
  ports: z.array(portSchema).optional(),
  variables: z.array(variableSchema).optional(),
  forks: z.array(forkSchema).optional(),
  default_size: z.string().optional(),
  max_instances_count: z.number().int().optional(),
  orchestration: z
    .strictObject({
      upgrade: z.string().optional(),
      on_fail: z.string().optional(),
      placement: z.string().optional(),
      delivery: z.string().optional(),
    })
    .optional(),
})

const sizeSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  allocation: z.strictObject({ cpu: z.number(), memory: z.number() }),
})

const planSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  managed_by: z.string().optional(),
  layers: z
    .array(
      z.strictObject({
        channel_slug: z.string(),
        kit_slug: z.string(),
        size_slug: z.string(),
      }),
    )
    .optional(),
  pricings: z
    .array(
      z.strictObject({
        amount: z.number(),
        currency: z.string(),
        billing_period: z.string(),
      }),
    )
    .optional(),
})

const pageSchema = z.strictObject({
  title: z.string().optional(),
  slogan: z.string().optional(),
  description: z.string().optional(),
})

export const instellarSchema = z.strictObject({
  dependencies: dependenciesSchema,
  stack: z
    .string()
    .regex(STACK_PATTERN, { error: `must look like ${STACK_FORM}` })
    .optional(),
  architectures: z.array(z.enum(ARCHITECTURES)).min(1).optional(),
  type: z.enum(['static', 'custom']).optional(),
  build: buildSchema,
  source: shellBlock.optional(),
  package: shellBlock.optional(),
  hook: hookSchema.optional(),
  run: runSchema.optional(),
  kits: z.array(kitSchema).optional(),
  sizes: z.array(sizeSchema).optional(),
  plans: z.array(planSchema).optional(),
  page: pageSchema.optional(),
})

/** The sections sent to the platform as written, unknown keys included (see load.ts). */
export const DEPLOYMENT_SECTIONS = ['kits', 'sizes', 'plans', 'page'] as const
export type DeploymentSection = (typeof DEPLOYMENT_SECTIONS)[number]

/** A deployment section's map as the YAML holds it: the known keys checked, any other kept. */
type AsWritten = Record<string, unknown>

export type InstellarConfig = Omit<z.infer<typeof instellarSchema>, DeploymentSection> & {
  kits?: AsWritten[]
  sizes?: AsWritten[]
  plans?: AsWritten[]
  page?: AsWritten
}

export type RunConfig = z.infer<typeof runSchema>
export type ServiceConfig = z.infer<typeof serviceSchema>
export type CommandConfig = z.infer<typeof commandSchema>

/**
 * Function names the init script already has, and whose they are: openrc-run's own, and the one
 * PAKman's script defines. An extra command with one of these names would replace it.
 */
export const INITD_FUNCTIONS: ReadonlyMap<string, "OpenRC's" | "PAKman's"> = new Map([
  ...[
    'start',
    'stop',
    'restart',
    'status',
    'zap',
    'describe',
    'depend',
    'start_pre',
    'start_post',
    'stop_pre',
    'stop_post',
  ].map((name) => [name, "OpenRC's"] as const),
  [LINK_SERVICE_DIR, "PAKman's"],
])

/** Maps whose keys are fixed by PAKman itself: an unknown key there is an error, not a typo warning. */
export const CLOSED_MAPS = new Set(['hook'])

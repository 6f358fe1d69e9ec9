import { gitInWorkspace } from '../ownership/index.js'
import { parseRepository, type Repository } from './naming.js'
import { resolveVersion, versionWithoutGit, type VersionNote } from './version.js'
import { readLockfiles } from '../sbom/index.js'
import type { RecipeContext, SbomFacts } from './render.js'

export interface ContextOptions {
  workspace: string
  /** `owner/name`; defaults to GITHUB_REPOSITORY, then the git remote `origin`. */
  repository?: string
  /** Overrides `git describe`; a leading v is accepted. */
  version?: string
  /** Overrides GITHUB_RUN_NUMBER. */
  buildNumber?: string
  /** The run's GITHUB_REPOSITORY and GITHUB_RUN_NUMBER, the defaults for the two above. */
  run?: { repository?: string; runNumber?: string }
  /** Names a setting the way the caller's front end does (a flag, an input) in messages. */
  option?: (name: 'repository') => string
  /** false: the packages carry no SBOM (sbom: false, --no-sbom). */
  sbom?: boolean
}

export interface ResolvedContext extends RecipeContext {
  /** What the run should report about the values chosen; warnings become CI annotations. */
  notes: VersionNote[]
}

/** Works out repository, version and build number from flags, the GitHub environment, then git. */
export async function resolveContext(options: ContextOptions): Promise<ResolvedContext> {
  const run = options.run ?? {}
  const notes: VersionNote[] = []
  const repositoryText =
    options.repository ?? run.repository ?? (await gitRemoteRepository(options.workspace))
  if (!repositoryText) {
    const option = options.option?.('repository') ?? 'the repository'
    throw new Error(`cannot tell the repository: pass ${option} or set GITHUB_REPOSITORY`)
  }
  const repository: Repository | undefined = parseRepository(repositoryText)
  if (!repository)
    throw new Error(`repository must be OWNER/NAME, got ${JSON.stringify(repositoryText)}`)

  const { version, note } = await versionOf(options)
  if (note) notes.push(note)

  const buildText = options.buildNumber ?? run.runNumber ?? '0'
  if (!/^\d{1,9}$/.test(buildText.trim())) {
    throw new Error(`build number must be a whole number, got ${JSON.stringify(buildText)}`)
  }
  return {
    repository,
    version,
    release: Number(buildText.trim()),
    notes,
    ...(options.sbom !== false && { sbom: await sbomFacts(options.workspace, notes) }),
  }
}

/**
 * The commit and the application's locked dependencies, for the packages' SBOMs. A lockfile that
 * cannot be read is a warning: the SBOM lists what the others lock.
 */
async function sbomFacts(workspace: string, notes: VersionNote[]): Promise<SbomFacts> {
  const [head, locked] = await Promise.all([
    gitInWorkspace(workspace, ['rev-parse', '--verify', 'HEAD']),
    readLockfiles(workspace),
  ])
  for (const problem of locked.problems) {
    const where = `${problem.lockfile}${problem.line ? `:${problem.line}` : ''}`
    notes.push({
      severity: 'warning',
      message: `${where}: ${problem.message}; the SBOM leaves out what it locks`,
    })
  }
  const commit =
    head.ok && /^[0-9a-f]{40,64}$/.test(head.stdout.trim()) ? head.stdout.trim() : undefined
  return { ...(commit && { commit }), components: locked.components }
}

/** pkgver from the version given, else from `git describe`; when git fails, its reason says why. */
async function versionOf(options: ContextOptions) {
  if (options.version !== undefined) return resolveVersion(options.version)
  const described = await gitInWorkspace(options.workspace, ['describe', '--tags', '--always'])
  return described.ok ? resolveVersion(described.stdout) : versionWithoutGit(described.reason)
}

async function gitRemoteRepository(workspace: string): Promise<string | undefined> {
  const remote = await gitInWorkspace(workspace, ['remote', 'get-url', 'origin'])
  // git@github.com:owner/name.git, https://github.com/owner/name(.git), ssh://…/owner/name
  const match = remote.ok && /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote.stdout)
  return match ? `${match[1]}/${match[2]}` : undefined
}

import { openAsBlob } from 'node:fs'
import { parseRepository } from '../recipe/index.js'
import { eachAtOnce } from '../remote/index.js'
import type { PhaseReporter } from '../report/index.js'

/*
 * Release assets. Releaser is the small interface in front of Octokit, so the release logic below
 * is plain code over it; GitHubReleaser is the Octokit implementation, with @octokit/plugin-retry
 * for server errors and @octokit/plugin-throttling for GitHub's rate limits.
 */

export interface Release {
  id: number
  tag: string
  draft: boolean
  url: string
  uploadUrl: string
}

export interface Asset {
  id: number
  name: string
}

export interface AssetFile {
  /** The name on the release, unique across a matrix (stack and arch in it). */
  name: string
  path: string
}

/** GitHub answered 422 "already_exists": a release for the tag, or an asset of the name. */
export class AlreadyExistsError extends Error {}

export interface Releaser {
  /** The published release for a tag (one request; GitHub's tag lookup does not see drafts). */
  findPublished(tag: string): Promise<Release | undefined>
  /** Every release for a tag, drafts included, read through all pages of the release list. */
  listByTag(tag: string): Promise<Release[]>
  /** Throws AlreadyExistsError when a published release has the tag. */
  createDraft(tag: string): Promise<Release>
  get(release: Release): Promise<Release>
  deleteRelease(release: Release): Promise<void>
  /** Every asset, through all pages. */
  listAssets(release: Release): Promise<Asset[]>
  deleteAsset(asset: Asset): Promise<void>
  /** Throws AlreadyExistsError when the release has an asset of that name. */
  uploadAsset(release: Release, file: AssetFile): Promise<Asset>
  publish(release: Release): Promise<Release>
}

export interface PublishOptions {
  /** Uploads in flight at once. */
  concurrency?: number
}

/**
 * Puts files on the release for `tag`: creates it as a draft when missing, replaces assets of the
 * same name (a re-run), and publishes only at the end — so a failure leaves a draft, never a
 * half-filled published release (immutable releases accept assets only before publishing).
 *
 * Several jobs may release the same tag at once. GitHub refuses a second release for a published
 * tag (422) but makes a second draft, so after creating one every job settles on the same release
 * (a published one, else the oldest draft) and deletes its own if that lost. Only the job whose
 * draft it is, or that found a draft left by an earlier run, publishes it, and only if it still is
 * a draft then: one release, published once.
 */
export async function publishAssets(
  releaser: Releaser,
  tag: string,
  files: AssetFile[],
  reporter: PhaseReporter,
  options: PublishOptions = {},
): Promise<Release> {
  let release: Release | undefined
  try {
    release = await findRelease(releaser, tag)
    // Whether this job publishes at the end.
    let publishes: boolean
    if (release) {
      publishes = release.draft
      reporter.info(`found ${release.draft ? 'draft ' : ''}release ${tag}`)
    } else {
      ;({ release, publishes } = await createRelease(releaser, tag, reporter))
    }
    await uploadAll(releaser, release, files, reporter, options.concurrency ?? 4)
    if (!publishes) {
      if (release.draft) reporter.info(`release ${tag} is published by the job that created it`)
      return release
    }
    // Another job that found the same draft may have published it meanwhile: nothing left to do.
    const current = await releaser.get(release)
    if (!current.draft) return current
    const done = await releaser.publish(current)
    reporter.info(`published release ${tag}`)
    return done
  } catch (error) {
    const left = release?.draft ? `; it is left a draft, re-run the job to finish it` : ''
    throw new Error(`release ${tag}: ${message(error)}${left}`, { cause: error })
  }
}

async function findRelease(releaser: Releaser, tag: string): Promise<Release | undefined> {
  return (await releaser.findPublished(tag)) ?? chooseRelease(await releaser.listByTag(tag))
}

/** The one release every job settles on: a published one, else the oldest draft. */
function chooseRelease(releases: Release[]): Release | undefined {
  const byAge = [...releases].sort((a, b) => a.id - b.id)
  return byAge.find((r) => !r.draft) ?? byAge[0]
}

async function createRelease(
  releaser: Releaser,
  tag: string,
  reporter: PhaseReporter,
): Promise<{ release: Release; publishes: boolean }> {
  let mine: Release
  try {
    mine = await releaser.createDraft(tag)
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error
    // Published by another job since the lookup: upload into it.
    const theirs = await findRelease(releaser, tag)
    if (!theirs) throw new Error(`release ${tag} exists, yet cannot be found`, { cause: error })
    reporter.info(`release ${tag} was created by another job meanwhile; adding to it`)
    return { release: theirs, publishes: false }
  }
  const chosen = chooseRelease([
    mine,
    ...(await releaser.listByTag(tag)).filter((r) => r.id !== mine.id),
  ])!
  if (chosen.id === mine.id) {
    reporter.info(`created draft release ${tag}`)
    return { release: mine, publishes: true }
  }
  // Another job's draft is older: ours is still empty, so remove it and join theirs.
  await releaser.deleteRelease(mine)
  reporter.info(`release ${tag} was created by another job at the same time; adding to it`)
  return { release: chosen, publishes: false }
}

/** Uploads `concurrency` files at a time, each replacing an asset of the same name. */
async function uploadAll(
  releaser: Releaser,
  release: Release,
  files: AssetFile[],
  reporter: PhaseReporter,
  concurrency: number,
): Promise<void> {
  const existing = new Map((await releaser.listAssets(release)).map((a) => [a.name, a]))
  // the Releaser's calls take no signal, so after a failure the running uploads finish and
  // only the ones not yet started are left out
  await eachAtOnce('upload release assets', files, concurrency, async (file) => {
    const old = existing.get(file.name)
    if (old) {
      reporter.info(`replacing ${file.name}`)
      await releaser.deleteAsset(old)
    }
    try {
      await releaser.uploadAsset(release, file)
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error
      // Appeared since the listing (another job, or an upload whose answer was lost): replace it.
      reporter.info(`replacing ${file.name}`)
      const now = (await releaser.listAssets(release)).find((a) => a.name === file.name)
      if (now) await releaser.deleteAsset(now)
      await releaser.uploadAsset(release, file)
    }
    reporter.info(`uploaded ${file.name}`)
  })
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>

/** plugin-retry's retries of a server error; the error message counts the attempts from it. */
const SERVER_ERROR_RETRIES = 3

export interface GitHubReleaserOptions {
  /** The REST API root; api.github.com by default. */
  apiUrl?: string
  /** Where retries and rate-limit waits are told. */
  reporter?: PhaseReporter
  /** Milliseconds per unit of back-off and per second of a rate limit's wait; tests make it tiny. */
  retryAfterBaseValue?: number
  /** Retries of a request that failed with a server error (5xx). */
  retries?: number
  /** Retries of a request that hit a rate limit. */
  rateLimitRetries?: number
  /** The longest rate-limit wait, in seconds, worth taking; past it the request fails. */
  maxRateLimitWait?: number
  /** The least time between two writes (GitHub asks for a second, against secondary limits). */
  writeIntervalMs?: number
  /** The same for writes that notify people, such as creating a release (3 s by default). */
  notifyingWriteIntervalMs?: number
}

/** Octokit behind Releaser. */
export class GitHubReleaser implements Releaser {
  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
    /** Retries of a server error, as the Octokit was made with: for the error message. */
    private readonly retries = SERVER_ERROR_RETRIES,
  ) {}

  static async create(
    token: string,
    repository: string,
    options: GitHubReleaserOptions = {},
  ): Promise<GitHubReleaser> {
    const parsed = parseRepository(repository)
    if (!parsed) throw new Error(`repository must be owner/name, not "${repository}"`)
    return new GitHubReleaser(
      await createOctokit(token, options),
      parsed.owner,
      parsed.name,
      options.retries ?? SERVER_ERROR_RETRIES,
    )
  }

  async findPublished(tag: string): Promise<Release | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getReleaseByTag({ ...this.where, tag })
      return toRelease(data)
    } catch (error) {
      if (status(error) === 404) return undefined
      throw apiError(`looking up release ${tag}`, error, this.retries)
    }
  }

  async listByTag(tag: string): Promise<Release[]> {
    const releases = await this.call('listing releases', () =>
      this.octokit.paginate(this.octokit.rest.repos.listReleases, {
        ...this.where,
        per_page: 100,
      }),
    )
    return releases.filter((r) => r.tag_name === tag).map(toRelease)
  }

  async createDraft(tag: string): Promise<Release> {
    const { data } = await this.call(`creating release ${tag}`, () =>
      this.octokit.rest.repos.createRelease({
        ...this.where,
        tag_name: tag,
        name: tag,
        draft: true,
      }),
    )
    return toRelease(data)
  }

  async get(release: Release): Promise<Release> {
    const { data } = await this.call(`reading release ${release.tag}`, () =>
      this.octokit.rest.repos.getRelease({ ...this.where, release_id: release.id }),
    )
    return toRelease(data)
  }

  async deleteRelease(release: Release): Promise<void> {
    await this.call(`deleting draft release ${release.tag} (${release.id})`, () =>
      this.octokit.rest.repos.deleteRelease({ ...this.where, release_id: release.id }),
    )
  }

  async listAssets(release: Release): Promise<Asset[]> {
    const assets = await this.call(`listing the assets of release ${release.tag}`, () =>
      this.octokit.paginate(this.octokit.rest.repos.listReleaseAssets, {
        ...this.where,
        release_id: release.id,
        per_page: 100,
      }),
    )
    return assets.map((a) => ({ id: a.id, name: a.name }))
  }

  async deleteAsset(asset: Asset): Promise<void> {
    try {
      await this.octokit.rest.repos.deleteReleaseAsset({ ...this.where, asset_id: asset.id })
    } catch (error) {
      // Already gone (another job replaced it too): what deleting was for.
      if (status(error) !== 404) throw apiError(`deleting asset ${asset.name}`, error, this.retries)
    }
  }

  async uploadAsset(release: Release, file: AssetFile): Promise<Asset> {
    // A file-backed Blob: read from disk as it is sent, and again on a retry, never held whole.
    const data = await openAsBlob(file.path)
    const response = await this.call(`uploading ${file.name}`, () =>
      this.octokit.request({
        method: 'POST',
        url: release.uploadUrl,
        name: file.name,
        data,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    )
    const asset = response.data as { id: number; name: string }
    return { id: asset.id, name: asset.name }
  }

  async publish(release: Release): Promise<Release> {
    const { data } = await this.call(`publishing release ${release.tag}`, () =>
      this.octokit.rest.repos.updateRelease({
        ...this.where,
        release_id: release.id,
        draft: false,
      }),
    )
    return toRelease(data)
  }

  private get where() {
    return { owner: this.owner, repo: this.repo }
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw apiError(what, error, this.retries)
    }
  }
}

/**
 * Octokit from @actions/github with two plugins: retry (server errors, with back-off) and
 * throttling (rate limits, waiting as long as GitHub says). Rate limits are left to throttling
 * alone, so a 403 or 429 is never retried twice over.
 */
async function createOctokit(token: string, options: GitHubReleaserOptions = {}): Promise<Octokit> {
  const [{ getOctokit }, { retry }, { throttling }, { default: Bottleneck }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js'),
  ])
  const log = (line: string) => options.reporter?.info(line)
  const base = options.retryAfterBaseValue ?? 1000
  const limit = options.rateLimitRetries ?? 3
  const maxWait = options.maxRateLimitWait ?? 600
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const where = `${request.method} ${request.url}`
      if (count >= limit || retryAfter > maxWait) {
        log(
          `GitHub's ${kind} stopped ${where}; not retrying (${count} retries, wait ${retryAfter}s)`,
        )
        return false
      }
      log(`GitHub's ${kind} hit ${where}; retrying in ${retryAfter}s (${count + 1} of ${limit})`)
      return true
    }
  return getOctokit(
    token,
    {
      baseUrl: options.apiUrl ?? 'https://api.github.com',
      retry: {
        retries: options.retries ?? SERVER_ERROR_RETRIES,
        retryAfterBaseValue: base,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        retryAfterBaseValue: base,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        // Groups of their own: the plugin's defaults are shared by every Octokit in the process.
        // They space out when writes start; uploads still overlap once started.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs ?? 1000 }),
        notifications: new Bottleneck.Group({
          maxConcurrent: 1,
          minTime: options.notifyingWriteIntervalMs ?? 3000,
        }),
      },
    },
    retry,
    throttling,
  )
}

function status(error: unknown): number | undefined {
  return (error as { status?: number } | undefined)?.status
}

/**
 * An API failure as a sentence: what was being done, GitHub's status and message, and for a
 * server error (which plugin-retry retries `retries` times) the attempts made.
 */
function apiError(what: string, error: unknown, retries: number): Error {
  const failure = error as {
    status?: number
    message?: string
    response?: { data?: { errors?: { code?: string }[] } }
  }
  if (
    failure.status === 422 &&
    failure.response?.data?.errors?.some((e) => e.code === 'already_exists')
  ) {
    return new AlreadyExistsError(`${what}: already exists`, { cause: error })
  }
  if (failure.status === undefined) return new Error(`${what}: ${message(error)}`, { cause: error })
  const attempts = failure.status >= 500 ? ` after ${retries + 1} attempts` : ''
  // A 403 that is no rate limit is almost always the token's permissions.
  const hint =
    failure.status === 403 && !/rate limit/i.test(failure.message ?? '')
      ? '; the token needs permission to write contents (permissions: contents: write)'
      : ''
  return new Error(
    `${what} failed: HTTP ${failure.status} (${failure.message ?? 'no message'})${attempts}${hint}`,
    { cause: error },
  )
}

function toRelease(data: {
  id: number
  tag_name: string
  draft: boolean
  html_url: string
  upload_url: string
}): Release {
  return {
    id: data.id,
    tag: data.tag_name,
    draft: data.draft,
    url: data.html_url,
    uploadUrl: data.upload_url,
  }
}

import { readFile } from 'node:fs/promises'

/*
 * Release assets. Releaser is the small interface in front of Octokit, so the release logic below
 * is plain code over it; GitHubReleaser is the Octokit implementation.
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

export interface Releaser {
  /** The release for a tag, drafts included; undefined when there is none. */
  findByTag(tag: string): Promise<Release | undefined>
  createDraft(tag: string): Promise<Release>
  listAssets(release: Release): Promise<Asset[]>
  deleteAsset(asset: Asset): Promise<void>
  uploadAsset(release: Release, name: string, data: Buffer): Promise<Asset>
  publish(release: Release): Promise<Release>
}

export interface AssetFile {
  /** The name on the release, unique across a matrix (stack and arch in it). */
  name: string
  path: string
}

/**
 * Puts files on the release for `tag`: creates it as a draft when missing, replaces assets of the
 * same name (a re-run), and publishes only at the end — so a failure leaves a draft, never a
 * half-filled published release (immutable releases accept assets only before publishing).
 */
export async function publishAssets(
  releaser: Releaser,
  tag: string,
  files: AssetFile[],
  log: (line: string) => void,
): Promise<Release> {
  let release = await releaser.findByTag(tag)
  const created = !release
  if (!release) {
    release = await releaser.createDraft(tag)
    log(`created draft release ${tag}`)
  }
  const existing = await releaser.listAssets(release)
  for (const file of files) {
    const old = existing.find((a) => a.name === file.name)
    if (old) {
      await releaser.deleteAsset(old)
      log(`replacing ${file.name}`)
    }
    await releaser.uploadAsset(release, file.name, await readFile(file.path))
    log(`uploaded ${file.name}`)
  }
  if (created || release.draft) {
    release = await releaser.publish(release)
    log(`published release ${tag}`)
  }
  return release
}

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>

/** Octokit behind Releaser, with a few retries on 5xx answers. */
export class GitHubReleaser implements Releaser {
  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
    private readonly retryDelayMs = 1000,
  ) {}

  static async create(
    token: string,
    repository: string,
    apiUrl = process.env.GITHUB_API_URL ?? 'https://api.github.com',
  ): Promise<GitHubReleaser> {
    const { getOctokit } = await import('@actions/github')
    const [owner, repo] = repository.split('/') as [string, string]
    return new GitHubReleaser(getOctokit(token, { baseUrl: apiUrl }), owner, repo)
  }

  async findByTag(tag: string): Promise<Release | undefined> {
    // getReleaseByTag does not see drafts; a re-run must find the draft it left.
    const releases = await this.retry(() =>
      this.octokit.rest.repos.listReleases({ owner: this.owner, repo: this.repo, per_page: 100 }),
    )
    const found = releases.data.find((r) => r.tag_name === tag)
    return found && toRelease(found)
  }

  async createDraft(tag: string): Promise<Release> {
    const { data } = await this.retry(() =>
      this.octokit.rest.repos.createRelease({
        owner: this.owner,
        repo: this.repo,
        tag_name: tag,
        name: tag,
        draft: true,
      }),
    )
    return toRelease(data)
  }

  async listAssets(release: Release): Promise<Asset[]> {
    const { data } = await this.retry(() =>
      this.octokit.rest.repos.listReleaseAssets({
        owner: this.owner,
        repo: this.repo,
        release_id: release.id,
        per_page: 100,
      }),
    )
    return data.map((a) => ({ id: a.id, name: a.name }))
  }

  async deleteAsset(asset: Asset): Promise<void> {
    await this.retry(() =>
      this.octokit.rest.repos.deleteReleaseAsset({
        owner: this.owner,
        repo: this.repo,
        asset_id: asset.id,
      }),
    )
  }

  async uploadAsset(release: Release, name: string, data: Buffer): Promise<Asset> {
    const response = await this.retry(() =>
      this.octokit.request({
        method: 'POST',
        url: release.uploadUrl,
        name,
        data,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    )
    const asset = response.data as { id: number; name: string }
    return { id: asset.id, name: asset.name }
  }

  async publish(release: Release): Promise<Release> {
    const { data } = await this.retry(() =>
      this.octokit.rest.repos.updateRelease({
        owner: this.owner,
        repo: this.repo,
        release_id: release.id,
        draft: false,
      }),
    )
    return toRelease(data)
  }

  private async retry<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0
        if (status < 500 || attempt >= attempts) throw error
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * attempt))
      }
    }
  }
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

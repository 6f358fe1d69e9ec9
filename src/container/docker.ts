import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { runEnvironment } from '../github/index.js'

/** A bind mount: host path → container path. */
export interface Mount {
  source: string
  target: string
  readOnly?: boolean
}

export interface RunSpec {
  image: string
  /** A name of our own, so a cancelled run can be found and removed. */
  name: string
  command: string[]
  mounts?: Mount[]
  env?: Record<string, string>
  user?: string
  workdir?: string
  platform?: string
  network?: 'none' | 'default'
  /** Each line the container prints, as it prints it. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Fed to the container's standard input (docker run --interactive); otherwise it is closed. */
  input?: NodeJS.ReadableStream
  /** Directories in memory, at most `bytes` each; programs in them may run. */
  tmpfs?: { target: string; bytes: number }[]
}

export class DockerError extends Error {
  override name = 'DockerError'
}

/**
 * The Docker engine, driven through the `docker` command line: the one part of PAKman that talks
 * to it. Methods throw DockerError with docker's own message when a command fails.
 */
export class Docker {
  constructor(private readonly binary = runEnvironment().docker ?? 'docker') {}

  /** Fails with a clear message when docker is missing or the daemon does not answer. */
  async ensureAvailable(): Promise<void> {
    let result: Captured
    try {
      result = await this.capture(['version', '--format', '{{.Server.Version}}'])
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DockerError(
          `docker is not installed (no ${this.binary} on PATH); PAKman builds packages in a Docker container`,
        )
      }
      throw error
    }
    if (result.code !== 0) {
      const reason = lastLine(result.stderr) || 'no answer'
      throw new DockerError(`the Docker daemon is not reachable: ${reason}`)
    }
  }

  /** The image's ID (a content digest), or undefined when it is not present locally. */
  async imageId(reference: string): Promise<string | undefined> {
    const result = await this.capture(['image', 'inspect', '--format', '{{.Id}}', reference])
    return result.code === 0 ? result.stdout.trim() : undefined
  }

  async pull(reference: string, platform?: string): Promise<void> {
    await this.check(['pull', '--quiet', ...(platform ? ['--platform', platform] : []), reference])
  }

  async tag(source: string, target: string): Promise<void> {
    await this.check(['tag', source, target])
  }

  /** Runs a container to completion and returns its exit code; the container is always removed. */
  async run(spec: RunSpec): Promise<number> {
    const args = [
      'run',
      '--rm',
      '--name',
      spec.name,
      ...runOptions(spec),
      spec.image,
      ...spec.command,
    ]
    return this.stream(args, spec.onLine, spec.input)
  }

  /** Runs a container and keeps it (for commit); returns its exit code. */
  async runToCommit(spec: RunSpec): Promise<number> {
    const args = ['run', '--name', spec.name, ...runOptions(spec), spec.image, ...spec.command]
    return this.stream(args, spec.onLine)
  }

  async commit(container: string, image: string, changes: string[] = []): Promise<string> {
    const result = await this.check([
      'commit',
      ...changes.flatMap((c) => ['--change', c]),
      container,
      image,
    ])
    return result.stdout.trim()
  }

  /** Removes a container if it exists; never throws (used on every exit path). */
  async removeContainer(name: string): Promise<boolean> {
    const result = await this.capture(['rm', '--force', '--volumes', name]).catch(() => undefined)
    return result?.code === 0
  }

  /** Writes `docker save` of an image to a file through a compressor command (e.g. zstd). */
  async saveImage(image: string, file: string, compressor: string[]): Promise<void> {
    const save = this.spawn(['save', image])
    save.stdin!.end()
    const compress = spawn(compressor[0]!, compressor.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    await settlePiped(
      [
        { child: save, failure: `docker save ${image} failed` },
        { child: compress, failure: `${compressor[0]} failed` },
      ],
      [
        pipeline(save.stdout!, compress.stdin!),
        pipeline(compress.stdout!, createWriteStream(file, { mode: 0o600 })),
      ],
    )
  }

  /** `docker load` from a file through a decompressor; returns the image reference loaded. */
  async loadImage(file: string, decompressor: string[]): Promise<string> {
    const decompress = spawn(decompressor[0]!, decompressor.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const load = this.spawn(['load'])
    const loadOut = collect(load.stdout!)
    await settlePiped(
      [
        { child: decompress, failure: `${decompressor[0]} could not read ${file}` },
        { child: load, failure: 'docker load failed' },
      ],
      [
        pipeline(createReadStream(file), decompress.stdin!),
        pipeline(decompress.stdout!, load.stdin!),
      ],
    )
    const out = await loadOut
    const loaded = /Loaded image(?: ID)?: (\S+)/.exec(out)?.[1]
    if (!loaded) throw new DockerError(`docker load printed no image: ${lastLine(out)}`)
    return loaded
  }

  async removeImage(image: string): Promise<void> {
    await this.capture(['image', 'rm', '--force', image]).catch(() => undefined)
  }

  private spawn(args: string[]): ChildProcess {
    return spawn(this.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  }

  private async stream(
    args: string[],
    onLine?: RunSpec['onLine'],
    input?: NodeJS.ReadableStream,
  ): Promise<number> {
    const child = this.spawn(args)
    if (input) {
      // A container that exits before reading all of it breaks the pipe: its exit code tells.
      child.stdin!.on('error', () => undefined)
      input.pipe(child.stdin!)
    } else child.stdin!.end()
    const split = (stream: 'stdout' | 'stderr') => {
      let pending = ''
      child[stream]!.setEncoding('utf8')
      child[stream]!.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n')
        pending = lines.pop()!
        for (const line of lines) onLine?.(line, stream)
      })
      child[stream]!.on('end', () => {
        if (pending) onLine?.(pending, stream)
      })
    }
    split('stdout')
    split('stderr')
    return exitCode(child)
  }

  private async capture(args: string[]): Promise<Captured> {
    const child = this.spawn(args)
    child.stdin!.end()
    const [code, stdout, stderr] = await Promise.all([
      exitCode(child),
      collect(child.stdout!),
      collect(child.stderr!),
    ])
    return { code, stdout, stderr }
  }

  private async check(args: string[]): Promise<Captured> {
    const result = await this.capture(args)
    if (result.code !== 0)
      throw new DockerError(
        `docker ${args[0]} failed: ${lastLine(result.stderr) || `exit ${result.code}`}`,
      )
    return result
  }
}

interface Captured {
  code: number
  stdout: string
  stderr: string
}

function runOptions(spec: RunSpec): string[] {
  const args: string[] = []
  for (const m of spec.mounts ?? []) {
    const fields = ['type=bind', csvField(`source=${m.source}`), csvField(`target=${m.target}`)]
    args.push('--mount', [...fields, ...(m.readOnly ? ['readonly'] : [])].join(','))
  }
  for (const [key, value] of Object.entries(spec.env ?? {})) args.push('--env', `${key}=${value}`)
  if (spec.user) args.push('--user', spec.user)
  if (spec.workdir) args.push('--workdir', spec.workdir)
  if (spec.platform) args.push('--platform', spec.platform)
  if (spec.network === 'none') args.push('--network', 'none')
  if (spec.input) args.push('--interactive')
  for (const t of spec.tmpfs ?? []) args.push('--tmpfs', `${t.target}:exec,size=${t.bytes}`)
  return args
}

/** --mount is a CSV line: a field with a comma or a quote is quoted, quotes doubled. */
function csvField(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field
}

interface PipedStage {
  child: ChildProcess
  /** The message's start when this process fails, e.g. "zstd failed". */
  failure: string
}

/**
 * Waits for processes joined by pipes (each pipe a stream/promises pipeline, so a broken pipe
 * rejects instead of throwing an unhandled EPIPE). The first failure - a non-zero exit, a process
 * that cannot start, a pipe that breaks because its reader exited early - kills every process
 * still running, so no end is left writing into or waiting on one that is gone. The error thrown
 * is the one of a process that failed by itself, with its last stderr line, when there is one.
 */
async function settlePiped(stages: PipedStage[], pipes: Promise<void>[]): Promise<void> {
  const stderr = stages.map((stage) => collect(stage.child.stderr!))
  const failures: { error: DockerError; own: boolean }[] = []
  const fail = (error: DockerError, own: boolean) => {
    failures.push({ error, own })
    for (const { child } of stages) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }
  await Promise.all([
    ...stages.map(async (stage, i) => {
      let code: number
      try {
        code = await exitCode(stage.child)
      } catch (error) {
        fail(new DockerError(`${stage.failure}: ${(error as Error).message}`), true)
        return
      }
      if (code === 0) return
      const reason = lastLine(await stderr[i]!) || `exit ${code}`
      // Exited with a code of its own rather than by our kill: this is the cause.
      fail(new DockerError(`${stage.failure}: ${reason}`), stage.child.signalCode === null)
    }),
    ...pipes.map((piped) =>
      piped.catch((error: Error) => fail(new DockerError(`a pipe broke: ${error.message}`), false)),
    ),
  ])
  // A stage that failed writing into a stage that had already died says so (broken pipe): the
  // other stage's own failure is the cause, whichever process happened to exit first.
  const echo = (f: { error: DockerError }) =>
    /broken pipe|EPIPE|connection reset by peer/i.test(f.error.message)
  const first =
    failures.find((f) => f.own && !echo(f)) ?? failures.find((f) => f.own) ?? failures[0]
  if (first) throw first.error
}

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => (text += chunk))
    stream.on('end', () => resolve(text))
    stream.on('error', () => resolve(text))
  })
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? ''
}

import { dependencyName, STACK_FORM, STACK_PATTERN, stackSlug } from '../config/index.js'
import type { Recipe } from '../recipe/index.js'
import type { OptionName } from '../report/index.js'
import {
  hostArchitecture,
  isBuildArchitecture,
  planArchitecture,
  type BuildArchitecture,
} from './arch.js'

/** Where a build runs: its architecture, the platform to emulate, and the stack's base image. */
export interface BuildTarget {
  arch: BuildArchitecture
  /** Docker's --platform; set only when the architecture runs under QEMU. */
  platform?: string
  /** The stack (alpine/3.20), or the image when only an image was given: names and labels. */
  stack: string
  baseImage: string
  /** Stack and arch as one name (alpine-3.20-x86_64), for cache keys and artifacts. */
  label: string
}

/** The architecture asked for (this machine's by default), refused early when it cannot run here. */
export async function targetArchitecture(
  arch: string | undefined,
  option: OptionName,
): Promise<Pick<BuildTarget, 'arch' | 'platform'>> {
  const wanted = arch ?? hostArchitecture()
  if (!isBuildArchitecture(wanted))
    throw new Error(
      `${wanted} (${option('arch')}) is not an Alpine architecture (x86_64, aarch64, …)`,
    )
  const plan = await planArchitecture(wanted)
  return { arch: plan.arch, ...(plan.emulated && { platform: plan.platform }) }
}

/** The stack from the settings or the config, and its image unless an image replaces it. */
export function buildTarget(
  architecture: Pick<BuildTarget, 'arch' | 'platform'>,
  settings: { stack?: string; image?: string },
  config: { stack?: string; label: string },
  option: OptionName,
): BuildTarget {
  const stack = settings.stack ?? config.stack
  if (!stack && !settings.image) {
    throw new Error(
      `no stack: set stack: alpine/3.x in ${config.label}, or pass ${option('stack')} or ${option('image')}`,
    )
  }
  if (stack && !STACK_PATTERN.test(stack))
    throw new Error(`stack ${stack} must look like ${STACK_FORM}`)
  const name = stack ?? settings.image!
  return {
    ...architecture,
    stack: name,
    baseImage: settings.image ?? `alpine:${stack!.slice('alpine/'.length)}`,
    label: `${stackSlug(name)}-${architecture.arch}`,
  }
}

/**
 * The recipe's build and runtime dependencies (abuild deps installs both), minus the package
 * itself, its subpackages and conflicts.
 */
export function environmentDependencies(
  dependencies: Recipe['dependencies'],
  packageName: string,
): string[] {
  const { build, runtime } = dependencies
  const own = new Set([packageName, `${packageName}-openrc`])
  return [...build, ...runtime].filter((d) => !d.startsWith('!') && !own.has(dependencyName(d)))
}

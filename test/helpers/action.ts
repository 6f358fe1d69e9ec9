import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { cleanEnv, runNode, type Ran } from './run.js'

export interface ActionRun extends Ran {
  outputs: Record<string, string>
  summary: string
}

/** Runs dist/index.js the way the runner does: inputs as INPUT_* variables, outputs via files. */
export async function runAction(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  onSpawn?: (child: ChildProcess) => void,
): Promise<ActionRun> {
  const files = await mkdtemp(join(tmpdir(), 'pakman-runner-'))
  const outputFile = join(files, 'output')
  const summaryFile = join(files, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  )
  const ran = await runNode('dist/index.js', [], {
    env: cleanEnv({
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...inputEnv,
      ...env,
    }),
    ...(onSpawn && { onSpawn }),
  })
  try {
    return {
      ...ran,
      outputs: parseOutputs(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
    }
  } finally {
    await rm(files, { recursive: true, force: true })
  }
}

/** Reads `name<<delimiter … delimiter` records. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!
  return outputs
}

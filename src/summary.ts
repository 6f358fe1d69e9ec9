import * as core from '@actions/core'
import type { Diagnostic } from './config/index.js'

export interface SummaryFacts {
  packageName: string
  version: string
  recipeDir: string
  files: string[]
  diagnostics: Diagnostic[]
}

/** The job summary: what was produced, and what the config should fix. */
export async function writeSummary(facts: SummaryFacts): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const summary = core.summary
    .addHeading(`PAKman: ${facts.packageName} ${facts.version}`, 2)
    .addTable([
      [
        { data: 'Package', header: true },
        { data: 'Version', header: true },
        { data: 'Recipe', header: true },
      ],
      [facts.packageName, facts.version, `<code>${facts.recipeDir}</code>`],
    ])
    .addDetails(
      'Generated files',
      `<ul>${facts.files.map((f) => `<li><code>${escape(f)}</code></li>`).join('')}</ul>`,
    )
  const notable = facts.diagnostics.filter((d) => d.severity !== 'notice')
  if (notable.length) {
    summary
      .addHeading('Config warnings', 3)
      .addList(notable.map((d) => escape(`${d.line}:${d.column} ${d.message}`)))
  }
  await summary.write()
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

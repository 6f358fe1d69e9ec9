import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { SHARED } from './shared.js'

/** The official SPDX 2.3 JSON Schema (../shared/research/spdx); it names no string formats. */
const ajv = new Ajv2019({ strict: false, allErrors: true })
const validate = ajv.compile(
  JSON.parse(readFileSync(join(SHARED, 'research/spdx/spdx-2.3-schema.json'), 'utf8')),
)

/** The schema's complaints about a document; empty when it is valid SPDX 2.3. */
export function spdxErrors(document: unknown): string[] {
  return validate(document)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

import { z } from 'zod'
import { instellarSchema } from './schema.js'

/** The JSON Schema of instellar.yml, for editors (yaml-language-server) and other tools. */
export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(instellarSchema, { target: 'draft-2020-12' }),
    title: 'instellar.yml',
    description: 'PAKman build and deployment configuration',
  }
}

import { z } from 'zod'
import { DEFAULT_CONFIG } from '../settings/index.js'
import { CALL } from '../shell/index.js'
import {
  BINARY,
  CLOSED_MAPS,
  instellarSchema,
  LEGACY_DESTINATION,
  INITD_FUNCTIONS,
  SHELL_IDENTIFIER,
} from './schema.js'

/*
 * The JSON Schema is derived from the zod schema, then given what `check` does beyond it, so that
 * both give the same verdict:
 * - unknown keys are warned about by check (and ignored, or in kits, sizes, plans and page sent
 *   to the platform), so maps stay open (except CLOSED_MAPS);
 * - the 2021 keys that legacy.ts rewrites (build.destination, run.process/start/command/binary);
 * - the cross-field rules of load.ts that JSON Schema can express.
 * Not expressible here, so only check reports them: a service or command name used twice.
 * Approximated for the 2021 run.command: its call and each variation are held to the call pattern
 * one by one (check joins them first), and run.commands is still checked where the variations
 * replace it. No corpus or history file comes near either.
 */

type Json = Record<string, unknown>

const notA = (type: string): Json => ({ not: { type } })
/** A value that must match `pattern` when it is a string; other types are someone else's concern. */
const ifString = (pattern: RegExp): Json => ({
  anyOf: [notA('string'), { type: 'string', pattern: pattern.source }],
})
/** An object that must match `schema` when it is one, as ifString does for strings. */
const ifObject = (schema: Json): Json => ({
  anyOf: [notA('object'), { type: 'object', ...schema }],
})
const hasStringKey = (key: string, minLength = 0): Json => ({
  type: 'object',
  required: [key],
  properties: { [key]: { type: 'string', minLength } },
})

/** The JSON Schema of instellar.yml, for editors (yaml-language-server) and other tools. */
export function jsonSchema(): Json {
  const schema = z.toJSONSchema(instellarSchema, { target: 'draft-2020-12' }) as Json
  openMaps(schema, '')
  const properties = schema.properties as Record<string, Json>
  const build = properties.build!
  const run = properties.run!
  const buildProperties = build.properties as Record<string, Json>
  const runProperties = run.properties as Record<string, Json>

  // build.destination (2021): a directory whose contents are packaged, or a list like
  // destinations. Only read when destinations is absent; otherwise it is an ignored unknown key.
  buildProperties.destination = {
    description: '2021 schema, read as destinations: [<destination>/*]; write destinations instead',
  }
  build.allOf = [
    {
      if: { not: { type: 'object', required: ['destinations'] } },
      then: {
        properties: {
          destination: {
            anyOf: [
              { type: 'string', pattern: LEGACY_DESTINATION.source },
              buildProperties.destinations,
              { not: { type: ['string', 'array'] } },
            ],
          },
        },
      },
    },
  ]

  // run without services is the 2021 schema; legacy.ts turns it into one service named web.
  run.required = (run.required as string[]).filter((key) => key !== 'services')
  runProperties.binary = { description: '2021 schema: the program of the service' }
  for (const key of ['process', 'start', 'stop', 'command'])
    runProperties[key] = { description: '2021 schema: see run.services and run.commands' }
  run.allOf = [{ if: { type: 'object', required: ['services'] }, else: legacyRun() }]

  const commandName = (
    ((runProperties.commands as Json).items as Json).properties as Record<string, Json>
  ).name!
  commandName.not = { enum: [...INITD_FUNCTIONS.keys()] }
  addUniqueNameNote(runProperties.services!)
  addUniqueNameNote(runProperties.commands!)

  schema.allOf = [
    {
      // Without package:, something must say what goes into the package.
      if: { not: { type: 'object', required: ['package'] } },
      then: {
        properties: {
          build: {
            anyOf: [
              { type: 'object', required: ['destinations'] },
              {
                type: 'object',
                required: ['destination'],
                properties: { destination: { type: ['string', 'array'] } },
              },
            ],
          },
        },
      },
    },
    {
      if: { type: 'object', required: ['type'], properties: { type: { const: 'custom' } } },
      then: { type: 'object', required: ['package'] },
    },
  ]
  return {
    ...schema,
    title: DEFAULT_CONFIG,
    description: 'PAKman build and deployment configuration',
  }
}

/** What legacy.ts needs to rebuild run, and what the rebuilt run must then satisfy. */
function legacyRun(): Json {
  const processCall = {
    type: 'object',
    required: ['process'],
    properties: { process: hasStringKey('call') },
  }
  return {
    type: 'object',
    // Something to start: process.call, start.call, or a command map (started with `start`).
    anyOf: [
      processCall,
      { type: 'object', required: ['start'], properties: { start: hasStringKey('call') } },
      { type: 'object', required: ['command'], properties: { command: { type: 'object' } } },
    ],
    properties: {
      binary: ifString(BINARY),
      command: ifObject({
        // Each variation becomes a command `<prefix> <argument>`, named after its key.
        properties: {
          variations: ifObject({
            propertyNames: {
              pattern: SHELL_IDENTIFIER.source,
              not: { enum: [...INITD_FUNCTIONS.keys()] },
            },
          }),
        },
        // check only ever uses the call joined to a variation: without one, it is not checked
        if: {
          allOf: [
            hasStringKey('call', 1),
            {
              type: 'object',
              required: ['variations'],
              properties: { variations: { type: 'object', minProperties: 1 } },
            },
          ],
        },
        then: {
          type: 'object',
          properties: {
            call: { type: 'string', pattern: CALL.source },
            variations: ifObject({
              // joined as `<call> <argument>`: spaces before the argument do no harm
              additionalProperties: {
                anyOf: [ifString(new RegExp(CALL.source.replace(/^\^/, '^ *'))), { const: '' }],
              },
            }),
          },
        },
        else: {
          type: 'object',
          properties: {
            variations: ifObject({
              additionalProperties: { type: 'string', pattern: CALL.source },
            }),
          },
        },
      }),
    },
    // process.call wins over start.call; whichever is used becomes the service's start call.
    if: processCall,
    then: {
      type: 'object',
      properties: {
        process: { type: 'object', properties: { call: { type: 'string', pattern: CALL.source } } },
      },
    },
    else: {
      type: 'object',
      properties: {
        start: ifObject({ properties: { call: ifString(CALL) } }),
      },
    },
  }
}

function addUniqueNameNote(list: Json): void {
  list.description =
    'Each name may appear once (pakman check reports a repeat; JSON Schema cannot express it)'
}

/**
 * check warns about an unknown key and goes on, except in the maps whose keys PAKman fixes; so
 * only those stay closed. `path` is the dotted key path, with `[]` for list items.
 */
function openMaps(node: unknown, path: string): void {
  if (typeof node !== 'object' || node === null) return
  const schema = node as Json
  if (schema.additionalProperties === false && !CLOSED_MAPS.has(path))
    delete schema.additionalProperties
  const properties = schema.properties as Record<string, unknown> | undefined
  for (const [key, child] of Object.entries(properties ?? {}))
    openMaps(child, path ? `${path}.${key}` : key)
  if (schema.items) openMaps(schema.items, `${path}[]`)
  for (const list of ['anyOf', 'oneOf', 'allOf'] as const)
    for (const child of (schema[list] as unknown[] | undefined) ?? []) openMaps(child, path)
}

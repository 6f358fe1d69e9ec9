/*
 * The pipeline, shared by the action and the CLI: each run a list of named phases, each phase a
 * function of its stage's folder (config → recipe → environment → abuild → verify; publish for
 * the output directory and merge). Where verified packages go next (artifact, release, Instellar)
 * is the front end's choice. Callers supply settings and a Reporter; nothing here reads inputs or
 * argv.
 */

export { build, type BuildResult, type BuildSettings } from './build.js'
export { merge, type MergeResult, type MergeSettings } from './merge.js'
export { recordLeftovers, removeLeftovers, type Leftovers } from './leftovers.js'
export { check, render, type Checked, type Rendered, type RenderSettings } from './render.js'

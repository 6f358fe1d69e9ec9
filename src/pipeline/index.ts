/*
 * The pipeline, shared by the action and the CLI: each run a list of named phases, each phase a
 * function of its stage's folder (config → recipe → environment → abuild → verify; publish for
 * the output directory and merge; deliver: artifact, release, Pages, S3, Instellar). A front end
 * says in the settings where verified packages go; callers supply settings and a Reporter, and
 * nothing here reads inputs or argv.
 */

export { type BuildResult, type BuildSettings } from './build.js'
export {
  build,
  deliver,
  merge,
  newProgress,
  type DirectorySettings,
  type DeliveredBuildSettings,
  type DeliveredMergeSettings,
} from './runs.js'
export {
  checkBucket,
  checkDeployment,
  type BucketSettings,
  type Delivered,
  type DeliverySettings,
  type DeploymentSettings,
  type Progress,
} from './deliver.js'
export { type MergeResult, type MergeSettings } from './merge.js'
export { recordLeftovers, removeLeftovers, type Leftovers } from './leftovers.js'
export { check, render, type Checked, type Rendered, type RenderSettings } from './render.js'
// What a run hands back, as front ends read it: their types, named where they are made.
export type { Pushed } from '../deploy/index.js'
export type { Published, PublishSettings, S3Published } from '../publish/index.js'
export type { Recipe } from '../recipe/index.js'

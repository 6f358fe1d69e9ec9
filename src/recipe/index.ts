/*
 * Stage 2, the recipe: package name, version and build number worked out, the APKBUILD and
 * service files rendered from templates, and written into the workspace.
 */

export { renderRecipe, type Recipe, type RecipeContext, type RecipeFile } from './render.js'
export { resolveContext, type ContextOptions } from './context.js'
export {
  packageName,
  recipePath,
  defaultKeyName,
  parseRepository,
  slugify,
  type Repository,
} from './naming.js'
export { bootstrap, planRecipe, type BootstrapResult, type PlannedRecipe } from './plan.js'
export { renderRecipeStage, type WrittenRecipe } from './stage.js'

import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-NBXGUN3O.js";
import "./chunk-KN4HR7WG.js";
import "./chunk-566SJ2D4.js";
export {
  context,
  getOctokit
};

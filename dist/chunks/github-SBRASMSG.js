import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-I4SYOUXR.js";
import "./chunk-KN4HR7WG.js";
import "./chunk-63X2E36P.js";
import "./chunk-566SJ2D4.js";
export {
  context,
  getOctokit
};

import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-7ETTAT2N.js";
import "./chunk-LUJVQ22K.js";
import "./chunk-AV7KB5KT.js";
import "./chunk-566SJ2D4.js";
export {
  context,
  getOctokit
};

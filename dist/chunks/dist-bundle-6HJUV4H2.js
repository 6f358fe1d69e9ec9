import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  VERSION,
  retry
} from "./chunk-ZCEPO4HM.js";
import "./chunk-AV7KB5KT.js";
import "./chunk-QLLJOXSF.js";
import "./chunk-566SJ2D4.js";
export {
  VERSION,
  retry
};

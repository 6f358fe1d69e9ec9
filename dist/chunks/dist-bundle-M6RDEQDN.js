import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  VERSION,
  retry
} from "./chunk-K7RBVY5I.js";
import "./chunk-63X2E36P.js";
import "./chunk-P3GRZ6SA.js";
import "./chunk-566SJ2D4.js";
export {
  VERSION,
  retry
};

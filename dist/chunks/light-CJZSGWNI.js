import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  require_light
} from "./chunk-P3GRZ6SA.js";
import "./chunk-566SJ2D4.js";
export default require_light();

// The module codec over a runtime that is already loaded (the browser shim installs it before any app code).
import * as runtime from '../module-expression.js';
import { createModuleCodec } from './codecs.js';

export const moduleCodec = createModuleCodec(() => runtime, () => runtime);

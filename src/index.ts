// modmap's runtime entry. An explicit export list: values first, then types.
export { Module } from './module-expression.js';
export * from './structs/index.js';
export { codes } from './errors.js';
export type { ModmapError, ErrorCode } from './errors.js';

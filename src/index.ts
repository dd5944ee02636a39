/**
 * Organ Audit: the public library surface. Everything a user of the library needs is re-exported
 * here; modules not exported here are internal.
 */
export * from "./core/finding.js";
export * from "./core/errors.js";
export { canonicalJson } from "./core/canonical.js";
export { sha256Hex } from "./core/hash.js";
export { TOOL_NAME, TOOL_VERSION } from "./core/version.js";
export { createRng, type Rng } from "./stats/rng.js";

/** Tool name and version as recorded in every finding's provenance. Keep in step with package.json. */
export const TOOL_NAME = "organ-audit";
export const TOOL_VERSION = "0.1.0";

import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "web/dist/", "out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/core/**", "src/stats/**", "src/forensics/**", "src/models/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:fs", "node:fs/*", "fs", "node:net", "node:http", "node:https", "node:child_process", "better-sqlite3", "pg"], message: "the pure core does no I/O; put file, network and database access in an adapter" },
            { group: ["../data/*", "../cli/*", "../evidence/*", "../report/*", "../server/*"], message: "the pure core must not import adapters" },
          ],
        },
      ],
    },
  },
);

import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The web application (web/, docs/WEB.md). `vite build` writes dist/web/, which the server serves from "/".
 * No external fonts, CDNs or inline scripts: the server's CSP is `script-src 'self'`.
 */
export default defineConfig({
  root: here("./web"),
  base: "/",
  plugins: [react()],
  build: {
    outDir: here("./dist/web"),
    emptyOutDir: true,
    // vega + vega-lite are most of the bundle; they are split into their own chunk and loaded with the first chart
    chunkSizeWarningLimit: 2000,
    // no inline module-preload polyfill script (the CSP forbids inline scripts)
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});

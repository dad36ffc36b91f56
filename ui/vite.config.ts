import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  plugins: [svelte()],
  // ECharts' tslib helper must not write to the frozen Object.prototype (see src/lib/tslib-frozen.ts).
  resolve: { alias: [{ find: /^tslib$/, replacement: fileURLToPath(new URL("src/lib/tslib-frozen.ts", import.meta.url)) }] },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1500 },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});

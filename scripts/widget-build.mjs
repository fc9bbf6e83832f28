// How public/widget.js is bundled: one set of esbuild options for the build (scripts/ensure-built.mjs),
// the size check in the test suite and the bench's size report, so all three measure the same file.
/** @type {import("esbuild").BuildOptions} */
export const WIDGET_BUILD_OPTIONS = {
  entryPoints: ["src/widget/loader.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2018",
  platform: "browser",
  sourcemap: false,
};

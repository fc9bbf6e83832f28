// Brings the production build up to date before `npm start` and the e2e tests, and skips the slow
// Next.js build when none of its inputs changed since the last one. `--force` (npm run build)
// rebuilds everything.
//
// Freshness is judged by file modification times only, so deleting a source file goes unnoticed:
// run `npm run build` after removing a page.
import { build } from "esbuild";
import { buildVisitorWindow, VISITOR_WINDOW_PUBLIC_DIR, VISITOR_WINDOW_SERVER_DIR, WIDGET_BUILD_OPTIONS } from "./widget-build.mjs";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

process.chdir(path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const force = process.argv.includes("--force");

// Tests are not part of the app, so editing one must not cost a rebuild.
const isTest = (file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) || /(^|\/)(__tests__|tests)\//.test(file);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

// The most recently modified file under `roots` (files or directories; missing ones are fine).
// Dotfiles are skipped so editor swap files do not count as changes.
function newest(roots, skip = () => false) {
  let found = { file: undefined, time: -Infinity };
  const visit = (p) => {
    if (skip(p)) return;
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) {
        if (name !== "node_modules" && !name.startsWith(".")) visit(path.join(p, name));
      }
    } else if (stat.mtimeMs > found.time) {
      found = { file: p, time: stat.mtimeMs };
    }
  };
  roots.forEach(visit);
  return found;
}

// Why `output` needs rebuilding from `inputs`, or undefined when it is up to date.
function staleReason(output, inputs) {
  if (force) return "--force";
  const built = mtime(output);
  if (built === undefined) return `${output} missing`;
  if (inputs.time > built) return `${inputs.file} changed`;
  return undefined;
}

// 1. The embeddable widget loader, served as a static file from public/.
const widgetReason = staleReason("public/widget.js", newest(["src/widget"]));
if (widgetReason) {
  console.log(`building public/widget.js (${widgetReason})`);
  try {
    await build({ ...WIDGET_BUILD_OPTIONS, outfile: "public/widget.js", logLevel: "warning" });
  } catch {
    process.exit(1); // esbuild has already printed the errors
  }
}

// 2. The visitor window (/im): its browser files in public/im, its server half and manifest in build/im. The
// manifest lists the source files the build read, so an edit to any of them (or to how it is built) rebuilds it.
const windowManifest = path.join(VISITOR_WINDOW_SERVER_DIR, "manifest.json");
const windowBuild = (() => {
  try {
    return JSON.parse(fs.readFileSync(windowManifest, "utf8"));
  } catch {
    return { inputs: [] };
  }
})();
const windowFilesGone = windowBuild.entry && !fs.existsSync(path.join("public", windowBuild.entry)) ? `public${windowBuild.entry} missing` : undefined;
const windowReason = staleReason(windowManifest, newest([...windowBuild.inputs, "scripts/widget-build.mjs", "package-lock.json"])) ?? windowFilesGone;
if (windowReason) {
  console.log(`building the visitor window into ${VISITOR_WINDOW_PUBLIC_DIR} (${windowReason})`);
  try {
    await buildVisitorWindow();
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}

// 3. The Next.js app. src/server/ runs under tsx, and src/widget/ and src/app/im/ (all but its route handler)
// are bundled above, so none of them is compiled by Next. public/widget.js and public/im are left out because
// they are our own output and Next reads public/ from disk when the server starts, so they never need a Next
// rebuild.
const isVisitorWindowOnly = (p) => path.dirname(p) === path.join("src", "app", "im") && path.basename(p) !== "route.ts";
const nextInputs = newest(
  ["src", "public", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json"],
  (p) => p === path.join("src", "server") || p === path.join("src", "widget") || p === path.join("public", "widget.js") || p === VISITOR_WINDOW_PUBLIC_DIR || isVisitorWindowOnly(p) || isTest(p),
);
const nextReason = staleReason(".next/BUILD_ID", nextInputs);
if (nextReason) {
  console.log(`building Next.js (${nextReason})`);
  // A build that fails halfway must not leave the previous BUILD_ID looking fresh.
  fs.rmSync(".next/BUILD_ID", { force: true });
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) process.exit(result.status || 1);
}

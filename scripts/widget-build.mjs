// How the widget is bundled: the loader (public/widget.js) and the visitor window it frames (/im). One set of
// options for the build (scripts/ensure-built.mjs), the size checks in the test suite and the bench's size
// report, so all three measure the same files.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import postcss from "postcss";
import tailwind from "@tailwindcss/postcss";

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

/**
 * The visitor window's browser code, outside Next.js's client runtime (which alone weighs more than the 100 KB
 * budget): React and the window, hydrating what src/app/im/render.tsx rendered. ES modules with splitting, so
 * what the window import()s as it mounts (the conversation, the profile forms, the chat client) stays in chunks
 * of its own, off the first load.
 * @type {import("esbuild").BuildOptions}
 */
export const VISITOR_WINDOW_BUILD_OPTIONS = {
  entryPoints: { "visitor-window": "src/app/im/client-entry.tsx" },
  bundle: true,
  minify: true,
  format: "esm",
  splitting: true,
  target: "es2020",
  platform: "browser",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  metafile: true,
  sourcemap: false,
  logLevel: "warning",
  // "use client" only means something to Next.js; here everything is client code.
  logOverride: { "unsupported-directive": "silent" },
};

/**
 * The page's server half, run by the /im route handler: renders the window to HTML for its first paint. React
 * stays an import from node_modules, the same copy (and version) the browser bundle was built from.
 * @type {import("esbuild").BuildOptions}
 */
export const VISITOR_WINDOW_RENDER_OPTIONS = {
  entryPoints: ["src/app/im/render.tsx"],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  jsx: "automatic",
  packages: "external",
  metafile: true,
  logLevel: "warning",
  logOverride: { "unsupported-directive": "silent" },
};

/** Its styles: Tailwind, sourcing only the widget's own files (src/app/im/visitor-window.css says which). */
export const VISITOR_WINDOW_CSS = "src/app/im/visitor-window.css";

/** Where the browser files go (served by Next.js as static files under /im/) and where the server half goes. */
export const VISITOR_WINDOW_PUBLIC_DIR = "public/im";
export const VISITOR_WINDOW_PUBLIC_PATH = "/im";
export const VISITOR_WINDOW_SERVER_DIR = "build/im";

/**
 * The JavaScript a page load fetches, from a browser build's metafile: `entry` and the chunks it imports
 * statically (`preload`, fetched at once: the module script and its modulepreloads), and `lazy`, the chunks
 * reached only through import(), followed transitively. Paths are the metafile's (relative to the working
 * directory), each file once.
 * @param {import("esbuild").Metafile} metafile
 */
export function visitorWindowScripts(metafile) {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => file.endsWith(".js") && outputs[file].entryPoint);
  if (!entry) throw new Error("the visitor window's build has no entry script");
  const reach = (from, kinds) => {
    const found = new Set();
    const queue = [...from];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      for (const { path: chunk, kind } of outputs[file].imports) {
        if (kinds.includes(kind) && !found.has(chunk) && outputs[chunk]) found.add(chunk), queue.push(chunk);
      }
    }
    return found;
  };
  const first = new Set([entry, ...reach([entry], ["import-statement"])]);
  const lazy = [...reach(first, ["import-statement", "dynamic-import"])].filter((file) => !first.has(file));
  return { entry, preload: [...first].filter((file) => file !== entry), lazy };
}

/**
 * The visitor window's scripts built in memory, exactly as buildVisitorWindow writes them to public/im: the
 * first load (the entry first, then its static imports) and the lazy chunks, each file with its bytes.
 */
export async function visitorWindowScriptFiles(cwd = process.cwd()) {
  const result = await build({ ...VISITOR_WINDOW_BUILD_OPTIONS, absWorkingDir: cwd, outdir: VISITOR_WINDOW_PUBLIC_DIR, write: false, logLevel: "silent" });
  const contents = new Map(result.outputFiles.map((file) => [path.relative(cwd, file.path), file.contents]));
  const { entry, preload, lazy } = visitorWindowScripts(result.metafile);
  const files = (list) => list.map((file) => ({ name: path.basename(file), contents: contents.get(file) }));
  return { firstLoad: files([entry, ...preload]), lazy: files(lazy) };
}

/** Tailwind's CSS for the visitor window, minified. */
export async function visitorWindowCss(cwd = process.cwd()) {
  const from = path.join(cwd, VISITOR_WINDOW_CSS);
  const result = await postcss([tailwind({ base: path.dirname(from), optimize: { minify: true } })]).process(fs.readFileSync(from, "utf8"), { from });
  const inputs = result.messages.filter((message) => message.type === "dependency" || message.type === "dir-dependency").map((message) => message.file ?? message.dir);
  return { css: result.css, inputs: [from, ...inputs] };
}

const hashed = (name, content) => `${name}-${createHash("sha256").update(content).digest("base64url").slice(0, 10)}`;

/**
 * Builds the visitor window into public/im (scripts and styles, content-hashed, so they can be cached for good)
 * and build/im (the server half, and manifest.json: the file names the page links, and the inputs they came
 * from, by which scripts/ensure-built.mjs knows when to build again).
 */
export async function buildVisitorWindow(cwd = process.cwd()) {
  const publicDir = path.join(cwd, VISITOR_WINDOW_PUBLIC_DIR);
  const serverDir = path.join(cwd, VISITOR_WINDOW_SERVER_DIR);
  const [browser, server, styles] = await Promise.all([
    build({ ...VISITOR_WINDOW_BUILD_OPTIONS, absWorkingDir: cwd, outdir: VISITOR_WINDOW_PUBLIC_DIR, write: false }),
    build({ ...VISITOR_WINDOW_RENDER_OPTIONS, absWorkingDir: cwd, outfile: path.join(VISITOR_WINDOW_SERVER_DIR, "render.mjs"), write: false }),
    visitorWindowCss(cwd),
  ]);
  const cssName = `${hashed("visitor-window", styles.css)}.css`;
  const url = (file) => `${VISITOR_WINDOW_PUBLIC_PATH}/${path.basename(file)}`;
  const scripts = visitorWindowScripts(browser.metafile);
  const manifest = {
    entry: url(scripts.entry),
    preload: scripts.preload.map(url),
    lazy: scripts.lazy.map(url),
    css: [`${VISITOR_WINDOW_PUBLIC_PATH}/${cssName}`],
    inputs: [...new Set([...Object.keys(browser.metafile.inputs), ...Object.keys(server.metafile.inputs)].map((file) => path.join(cwd, file)).concat(styles.inputs))]
      .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`))
      .map((file) => path.relative(cwd, file))
      .sort(),
  };
  // Old hashed files go: the folder holds one build, so the server never links a file of another.
  fs.rmSync(publicDir, { recursive: true, force: true });
  fs.rmSync(serverDir, { recursive: true, force: true });
  fs.mkdirSync(publicDir, { recursive: true });
  fs.mkdirSync(serverDir, { recursive: true });
  for (const file of [...browser.outputFiles, ...server.outputFiles]) fs.writeFileSync(file.path, file.contents);
  fs.writeFileSync(path.join(publicDir, cssName), styles.css);
  fs.writeFileSync(path.join(serverDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`); // last: its time is the build's
  return manifest;
}

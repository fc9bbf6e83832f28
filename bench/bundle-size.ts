// What a host page and the visitor window download: the loader script (public/widget.js) and the
// visitor window's JavaScript. Sizes are gzip level 9, each file counted once.
//
// The visitor window (/im) is an esbuild bundle of its own (scripts/widget-build.mjs), built here in memory
// with the options scripts/ensure-built.mjs builds public/im with, so the figures are those of the files it
// serves. First load = the entry script and the chunks it imports statically: what the page's
// <script type="module"> and its modulepreloads fetch. `lazy` = the chunks reached only by import(), followed
// transitively: the visitor window asks for its conversation, profile forms and chat client as it mounts,
// beside its identity request, so first load + lazy is all the JavaScript a visitor downloads before the
// conversation shows.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { visitorWindowScriptFiles, WIDGET_BUILD_OPTIONS } from "../scripts/widget-build.mjs";
import { ROOT } from "./processes.ts";

export type BundleSizes = {
  loader: { gzipBytes: number; bytes: number; source: string };
  visitorWindow:
    // buildId: the entry script's name, which carries its content hash
    | { gzipBytes: number; bytes: number; files: number; buildId: string; lazy: { gzipBytes: number; bytes: number; files: number } }
    | { missing: string };
};

const gzipSize = (data: Uint8Array) => gzipSync(data, { level: 9 }).length;

/** The loader as served, or built in memory with scripts/ensure-built.mjs's esbuild options when public/widget.js is missing. */
async function loaderSize(): Promise<BundleSizes["loader"]> {
  const built = join(ROOT, "public/widget.js");
  if (existsSync(built)) {
    const data = readFileSync(built);
    return { bytes: data.length, gzipBytes: gzipSize(data), source: "public/widget.js" };
  }
  const result = await build({ ...WIDGET_BUILD_OPTIONS, absWorkingDir: ROOT, write: false, logLevel: "silent" });
  const data = result.outputFiles[0]!.contents;
  return { bytes: data.length, gzipBytes: gzipSize(data), source: "src/widget/loader.ts built in memory (no public/widget.js)" };
}

async function visitorWindowSize(): Promise<BundleSizes["visitorWindow"]> {
  try {
    const { firstLoad, lazy } = await visitorWindowScriptFiles(ROOT);
    return { ...sizeOf(firstLoad), files: firstLoad.length, buildId: firstLoad[0]!.name, lazy: { ...sizeOf(lazy), files: lazy.length } };
  } catch (err) {
    return { missing: `the build failed: ${(err as Error).message}` };
  }
}

const sizeOf = (files: { contents: Uint8Array }[]): { bytes: number; gzipBytes: number } => ({
  bytes: files.reduce((sum, file) => sum + file.contents.length, 0),
  gzipBytes: files.reduce((sum, file) => sum + gzipSize(file.contents), 0),
});

export async function bundleSizes(): Promise<BundleSizes> {
  return { loader: await loaderSize(), visitorWindow: await visitorWindowSize() };
}

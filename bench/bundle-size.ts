// What a host page and the visitor window download: the loader script (public/widget.js) and the
// visitor window's first-load JavaScript, from the production build in .next. Sizes are gzip level 9.
//
// First load of /im = the App Router's root main files (build-manifest.json `rootMainFiles`: React, Next's
// runtime, Turbopack's chunk loader) plus the chunks of /im's layouts and page (`entryJSFiles` of
// .next/server/app/im/page_client-reference-manifest.js), each file once. Polyfills are left out: they
// load only in browsers without ES modules (`nomodule`).
//
// `lazy` is what those files fetch by import() (Turbopack's chunk loader names each chunk as a
// "static/chunks/….js" string), followed transitively: the visitor window asks for its conversation, profile
// forms and chat client as it mounts, beside its identity request, so first load + lazy is all the JavaScript
// a visitor downloads before the conversation shows.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { WIDGET_BUILD_OPTIONS } from "../scripts/widget-build.mjs";
import { ROOT } from "./processes.ts";

export type BundleSizes = {
  loader: { gzipBytes: number; bytes: number; source: string };
  visitorWindow:
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

function visitorWindowSize(): BundleSizes["visitorWindow"] {
  const next = join(ROOT, ".next");
  const clientManifest = join(next, "server/app/im/page_client-reference-manifest.js");
  if (!existsSync(join(next, "BUILD_ID")) || !existsSync(clientManifest)) return { missing: "no build" };
  const buildManifest = JSON.parse(readFileSync(join(next, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(clientManifest, "utf8"), sandbox);
  const page = sandbox.__RSC_MANIFEST?.["/im/page"];
  if (!page?.entryJSFiles) return { missing: "no build (the /im manifest has no entryJSFiles: an unknown Next.js build layout)" };
  const files = new Set([...(buildManifest.rootMainFiles ?? []), ...Object.values(page.entryJSFiles).flat()]);
  const first = sizeOf(next, files);
  const lazy = new Set<string>();
  const queue = [...files];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const [, chunk] of readFileSync(join(next, file), "utf8").matchAll(/"(static\/chunks\/[^"]+\.js)"/g)) {
      if (files.has(chunk!) || lazy.has(chunk!)) continue;
      lazy.add(chunk!);
      queue.push(chunk!);
    }
  }
  return { ...first, files: files.size, buildId: readFileSync(join(next, "BUILD_ID"), "utf8").trim(), lazy: { ...sizeOf(next, lazy), files: lazy.size } };
}

function sizeOf(next: string, files: Iterable<string>): { bytes: number; gzipBytes: number } {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const data = readFileSync(join(next, file));
    bytes += data.length;
    gzipBytes += gzipSize(data);
  }
  return { bytes, gzipBytes };
}

export async function bundleSizes(): Promise<BundleSizes> {
  return { loader: await loaderSize(), visitorWindow: visitorWindowSize() };
}

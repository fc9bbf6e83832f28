import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { WIDGET_BUILD_OPTIONS } from "../../scripts/widget-build.mjs";
import { expect, it } from "vitest";

// The loader runs on every page of every customer's site: it must stay small (Chatwoot's widget is 170 KiB).
const LIMIT_BYTES = 5 * 1024;

it("bundles the embed loader to at most 5 KB gzipped", async () => {
  const result = await build({ ...WIDGET_BUILD_OPTIONS, write: false, logLevel: "silent" });
  const code = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`public/widget.js: ${code.length} bytes minified, ${gzipped} bytes gzipped (limit ${LIMIT_BYTES})`);
  expect(gzipped).toBeLessThanOrEqual(LIMIT_BYTES);
});

import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { visitorWindowScriptFiles } from "../../scripts/widget-build.mjs";

// The visitor window loads in a frame on every page where a visitor opens the chat (issue 8): its first load,
// the entry script and what it imports statically, must stay within 100 KB of gzipped JavaScript.
const LIMIT_BYTES = 100 * 1024;

const gzipped = (files: { contents: Uint8Array }[]) => files.reduce((sum, file) => sum + gzipSync(file.contents, { level: 9 }).length, 0);

it("bundles the visitor window's first load to at most 100 KB gzipped, with the conversation and chat client in lazy chunks", async () => {
  const { firstLoad, lazy } = await visitorWindowScriptFiles();
  const first = gzipped(firstLoad);
  console.log(`visitor window: first load ${first} bytes gzipped in ${firstLoad.length} files (limit ${LIMIT_BYTES}), lazy ${gzipped(lazy)} bytes in ${lazy.length}`);
  expect(first).toBeLessThanOrEqual(LIMIT_BYTES);
  // Socket.IO's client is only in what import() fetches: were it pulled into the first load, the split would be lost.
  const text = (files: { contents: Uint8Array }[]) => files.map((file) => Buffer.from(file.contents).toString("utf8")).join("\n");
  expect(text(lazy)).toContain("socket.io");
  expect(text(firstLoad)).not.toContain("socket.io");
});

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// ARCHITECTURE.md: server and app import core, never the reverse; core never sees a socket, a request or
// Next.js, and the embed loader imports nothing of ours. A wrong import fails here instead of in review.
const root = join(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(join(root, file), "utf8").matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/g)].map((match) => match[1]);

function violations(dir: string, isForbidden: (specifier: string, file: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) => importsOf(file).filter((spec) => isForbidden(spec, file)).map((spec) => `${file} imports ${spec}`));
}

const resolvesInto = (spec: string, file: string, dir: string) =>
  spec.startsWith(".") && relative(join(root, dir), join(root, file, "..", spec)).split(/[\\/]/)[0] !== "..";

describe("import direction", () => {
  it("keeps src/core free of transports, frameworks and the layers above it", () => {
    const transports = /^(socket\.io|socket\.io-client|next|next-auth|multer|redis|@socket\.io\/)/;
    expect(
      violations("src/core", (spec, file) => transports.test(spec) || ["src/server", "src/app", "src/widget"].some((dir) => resolvesInto(spec, file, dir))),
    ).toEqual([]);
  });

  it("keeps the embed loader self-contained", () => {
    expect(violations("src/widget", () => true)).toEqual([]);
  });

  it("lets browser code take only types from the server", () => {
    const clientFiles = new Set(sourceFiles("src/app/_chat"));
    const valueImports = [...clientFiles].flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/(?:^|\n)\s*import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/g)]
        .map((match) => match[1])
        .filter((spec) => resolvesInto(spec, file, "src/server") || resolvesInto(spec, file, "src/core"))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(valueImports).toEqual([]);
  });
});

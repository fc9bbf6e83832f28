import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/start.mjs (`npm start`) run from a scratch copy of the project whose server.ts only reports
// what it was started with, so the launcher is tested without building or booting the real app.
const FAKE_SERVER = `
process.on("SIGTERM", () => { process.stdout.write("drained\\n"); process.exit(0); }); // ready before it says it is up
process.stdout.write(JSON.stringify({ NODE_ENV: process.env.NODE_ENV, AUTH_SECRET: process.env.AUTH_SECRET }) + "\\n");
if (process.env.FAKE_EXIT) process.exit(Number(process.env.FAKE_EXIT));
setInterval(() => undefined, 1000);
`;
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "parley-start-"));
  mkdirSync(join(root, "scripts"));
  copyFileSync(resolve("scripts/start.mjs"), join(root, "scripts/start.mjs"));
  writeFileSync(join(root, "server.ts"), FAKE_SERVER);
  symlinkSync(resolve("node_modules"), join(root, "node_modules"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Run = { code: number | null; signal: NodeJS.Signals | null; lines: string[] };
function start(env: Record<string, string>, { terminate = false } = {}): Promise<Run> {
  const { AUTH_SECRET: _unset, NODE_ENV: _mode, ...inherited } = process.env;
  const childEnv = { ...inherited, ...env } as NodeJS.ProcessEnv; // the launcher itself sets NODE_ENV
  const child = spawn(process.execPath, [join(root, "scripts/start.mjs"), "--no-build"], { env: childEnv, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    lines.push(...chunk.split("\n").filter(Boolean));
    if (terminate && lines.length === 1) child.kill("SIGTERM"); // the server is up: stop the launcher as `docker stop` would
  });
  return new Promise((done) => child.on("exit", (code, signal) => done({ code, signal, lines })));
}
const startedWith = (run: Run) => JSON.parse(run.lines[0]!) as { NODE_ENV: string; AUTH_SECRET?: string };

describe("npm start (scripts/start.mjs)", () => {
  it("on a fresh machine keeps a secret in DATA_DIR/auth-secret, owner-only, and starts the server in production with it", { timeout: 20_000 }, async () => {
    const dataDir = join(root, "fresh-data");
    const first = await start({ DATA_DIR: dataDir, FAKE_EXIT: "0" });
    const secret = readFileSync(join(dataDir, "auth-secret"), "utf8");
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, "auth-secret")).mode & 0o077).toBe(0);
    expect(startedWith(first)).toEqual({ NODE_ENV: "production", AUTH_SECRET: secret });
    // The next start uses the same secret, so sessions and visitor tokens survive restarts.
    expect(startedWith(await start({ DATA_DIR: dataDir, FAKE_EXIT: "0" })).AUTH_SECRET).toBe(secret);
  });

  it("passes AUTH_SECRET from the environment through untouched, and writes no file", { timeout: 20_000 }, async () => {
    const dataDir = join(root, "configured-data");
    const run = await start({ DATA_DIR: dataDir, AUTH_SECRET: "a-configured-secret-of-at-least-32-chars", FAKE_EXIT: "0" });
    expect(startedWith(run).AUTH_SECRET).toBe("a-configured-secret-of-at-least-32-chars");
    expect(existsSync(join(dataDir, "auth-secret"))).toBe(false);
  });

  it("exits with the server's exit code", { timeout: 20_000 }, async () => {
    expect(await start({ DATA_DIR: join(root, "exit-data"), FAKE_EXIT: "3" })).toMatchObject({ code: 3 });
  });

  it("passes SIGTERM on to the server and exits once it has drained", { timeout: 20_000 }, async () => {
    const run = await start({ DATA_DIR: join(root, "signal-data") }, { terminate: true });
    expect(run.lines.slice(1)).toEqual(["drained"]);
    expect(run).toMatchObject({ code: 0, signal: null });
  });
});

// `npm start`: the one-command production start. Brings the build up to date (scripts/ensure-built.mjs),
// then runs the server (`node --import tsx server.ts`) with NODE_ENV=production.
//
// A production server refuses to start without AUTH_SECRET (src/config.ts): it never invents one. On a
// fresh machine this launcher supplies it instead, from DATA_DIR/auth-secret (./data unless DATA_DIR is
// set), creating that file once with 32 random bytes, readable by its owner only; the same file a
// development server uses. An AUTH_SECRET in the environment always wins and no file is touched.
//
//   node scripts/start.mjs [--no-build]     (--no-build: the image or CI built it already)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

process.chdir(path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));

if (!process.argv.includes("--no-build")) {
  const built = spawnSync(process.execPath, ["scripts/ensure-built.mjs"], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status || 1);
}

/** The kept secret, made on first use. `wx`: two launchers racing on a fresh machine agree on the first one written. */
function keptSecret(dataDir) {
  const file = path.join(dataDir, "auth-secret");
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
  }
  return fs.readFileSync(file, "utf8").trim();
}

const env = { ...process.env, NODE_ENV: "production" };
if (!env.AUTH_SECRET) env.AUTH_SECRET = keptSecret(env.DATA_DIR || "./data");

const server = spawn(process.execPath, ["--import", "tsx", "server.ts"], { stdio: "inherit", env });
// The server drains on SIGTERM/SIGINT; pass them on and leave when it does, with its exit status.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  process.removeAllListeners(signal); // die of the same signal, so whoever started us sees how the server ended
  process.kill(process.pid, signal);
  process.exit(128 + (os.constants.signals[signal] ?? 0)); // PID 1 in a container ignores its own signals
});

// The npm registry these machines reach serves only the Linux builds of packages that ship native
// binaries per platform (Next's SWC, Tailwind's oxide). npm then leaves the other platforms out of
// package-lock.json, and `npm ci` refuses a lock that lacks them. This adds each missing one as the
// optional, platform-bound entry npm itself would write, so `npm ci` skips it here and installs it
// on a machine of that platform. Run it after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const OS = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "sunos", "aix"];
const CPU = ["arm64", "x64", "arm", "ia32", "wasm32", "riscv64", "ppc64", "s390x"];

/** "oxide-linux-arm-gnueabihf" → { os: ["linux"], cpu: ["arm"] }; names that say neither are left alone. */
function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  if (!cpu) return null;
  return { ...(os ? { os: [os] } : {}), cpu: [cpu] };
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const platform = platformOf(dep);
    if (lock.packages[key] || lock.packages[`${path}/${key}`] || !platform || !/^\d/.test(range)) continue;
    lock.packages[key] = { version: range, optional: true, ...platform };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
process.stdout.write(`package-lock.json: ${added} platform entries added\n`);

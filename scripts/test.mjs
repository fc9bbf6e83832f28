// `npm test`: Vitest, then a fresh production build, then Playwright against it. Every step runs
// even after an earlier failure so one run reports everything; the last line is the totals.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printTotals, readTotals } from "./test-totals.mjs";

process.chdir(path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));

// Reports left over from an earlier run must never be counted as this run's results.
for (const report of ["test-results/vitest.json", "test-results/playwright.json"]) fs.rmSync(report, { force: true });

function run(args, env = {}) {
  const result = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status === 0;
}

const vitestOk = run(["node_modules/vitest/vitest.mjs", "run"]);
const buildOk = run(["scripts/ensure-built.mjs"]);
// Without a build there is nothing to test end to end; the missing Playwright report counts as the failure.
const playwrightOk = buildOk && run(["node_modules/@playwright/test/cli.js", "test"], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" });

const totals = readTotals();
printTotals(totals);
// A runner can fail without a failed test in its report (an unhandled error, say), hence the exit codes too.
process.exit(vitestOk && playwrightOk && totals.failed === 0 && totals.missing.length === 0 ? 0 : 1);

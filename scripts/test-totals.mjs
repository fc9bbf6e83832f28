// Adds up the JSON reports of Vitest and Playwright into one "N passed, N failed" line, the figure
// CI reports. Run directly it prints that line for test-results/ of this project.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPORTS = { "vitest.json": vitestCounts, "playwright.json": playwrightCounts };

// Field names: JsonTestResults in vitest/dist/chunks/plugin.d.*.d.ts (JsonReporter in cli-api.*.js).
function vitestCounts(report) {
  let failed = report.numFailedTests;
  // A failed suite (file or describe) with no failed test inside it never ran its tests or broke
  // in a hook (import error, throwing beforeAll/afterAll): each such suite counts as one failure.
  // Every suite enclosing a failed test is failed too, so those are subtracted from the count.
  const explained = new Set();
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status !== "failed") continue;
      for (let depth = 0; depth <= test.ancestorTitles.length; depth++) {
        explained.add(JSON.stringify([file.name, ...test.ancestorTitles.slice(0, depth)]));
      }
    }
  }
  failed += Math.max(0, report.numFailedTestSuites - explained.size);
  // Vitest also fails a run that found no test files, without any failed test to show for it.
  if (failed === 0 && report.success === false) failed = 1;
  return { passed: report.numPassedTests, failed };
}

// Field names: JSONReport in playwright/types/testReporter.d.ts. A flaky test passed on retry, so
// it counts as passed. `errors` holds failures outside any test (a spec file that does not load,
// global setup, the web server not starting, "No tests found").
function playwrightCounts(report) {
  const { expected, unexpected, flaky } = report.stats;
  return { passed: expected + flaky, failed: unexpected + report.errors.length };
}

export function readTotals(dir = "test-results") {
  const totals = { passed: 0, failed: 0, missing: [] };
  for (const [name, count] of Object.entries(REPORTS)) {
    const file = path.join(dir, name);
    let counts;
    try {
      counts = count(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch {
      // No (or an unreadable) report means that runner crashed or never ran: one failure.
      totals.missing.push(file);
      counts = { passed: 0, failed: 1 };
    }
    totals.passed += counts.passed;
    totals.failed += counts.failed;
  }
  return totals;
}

// Prints the summary: the missing reports to stderr, then the totals line last on stdout.
export function printTotals(totals) {
  for (const file of totals.missing) console.error(`${file} missing or unreadable (counted as 1 failed)`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printTotals(readTotals(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test-results")));
}

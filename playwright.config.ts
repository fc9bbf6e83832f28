import { defineConfig } from "@playwright/test";

// The app under test is the production build on the embedded defaults (PGlite in a fresh data
// directory), exactly what `npm start` gives a newcomer; scripts/test.mjs builds it first.
// E2E_PORT lets two checkouts run their suites side by side (tests/e2e/load-balancer.spec.ts has fixed ports of its own).
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
const dataDir = `test-results/e2e-data-${E2E_PORT}`;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // These machines have no network: keep Chromium from trying to reach Google's services.
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: `rm -rf ${dataDir} && node scripts/start.mjs --no-build`, // npm start, minus the build scripts/test.mjs did
    url: `http://localhost:${E2E_PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    // Every browser here comes from 127.0.0.1 and signs up agents and opens widgets by the dozen: the per-address
    // limits on sign-ups and new visitors would refuse them (they have tests of their own: security-limits*.test.ts);
    // history.spec.ts stores 10,000 messages of one visitor through message:send, far beyond the per-device message limit.
    env: { NODE_ENV: "production", PORT: String(E2E_PORT), DATA_DIR: dataDir, UPLOADS_DIR: `${dataDir}/uploads`, DATABASE_URL: "", LOG_LEVEL: "warn", PRESENCE_GRACE_MS: "0", SIGN_UP_RATE_LIMIT: "off", VISITORS_RATE_LIMIT: "off", MESSAGES_RATE_LIMIT: "off" },
  },
});

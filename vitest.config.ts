import { defineConfig } from "vitest/config";

// Vitest 5 declares Node 22; on Node 20 (what these machines run) its reporter crashes on Map.groupBy
// while printing a failure, hiding the failure and the JSON report alike. This file is loaded in the
// main Vitest process, where the reporters run, so the two missing statics are supplied here.
const groupInto = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K) => {
  const groups = new Map<K, V[]>();
  let index = 0;
  for (const item of items) {
    const k = key(item, index++);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
};
const statics = { Map, Object } as unknown as { Map: { groupBy?: unknown }; Object: { groupBy?: unknown } };
statics.Map.groupBy ??= groupInto;
statics.Object.groupBy ??= <K extends PropertyKey, V>(items: Iterable<V>, key: (item: V, index: number) => K) =>
  Object.assign(Object.create(null), Object.fromEntries(groupInto(items, key)));

// Unit tests need nothing; integration tests need the local PostgreSQL, where the global setup builds a
// migrated template database that every test file clones. scripts/test.mjs and scripts/test-totals.mjs
// read the JSON report.
// Read by the global setup here and by the test workers, which inherit this process's environment.
process.env.PARLEY_IT_TEMPLATE ??= `parley_it_template_${process.pid}`;

export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    // Generous next to the 2 s ack and event deadlines, which fail a hanging test first and by name.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], globalSetup: ["tests/integration/global-setup.ts"] },
      },
    ],
  },
});

// One Parley node as the bench runs it: the real boot path (database, migrations, Redis when REDIS_URL
// is set, Socket.IO, the HTTP routes) without Next.js, which serves only pages, configured by environment
// (src/config.ts) like any node. The same entry the multi-node tests use (tests/integration/node-process.ts),
// so the bench needs no Next build.
import { main } from "../src/server/main.ts";

main({ withNext: false }).catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${String(err)}\n`);
  process.exit(1);
});

// One Parley node as its own process, for the multi-node tests: the real boot path (database,
// migrations, Redis, Socket.IO, HTTP routes) without Next.js, configured by environment like any node.
import { main } from "../../src/server/main.ts";

main({ withNext: false }).catch((err: unknown) => {
  process.stderr.write(`node failed to start: ${String(err)}\n`);
  process.exit(1);
});

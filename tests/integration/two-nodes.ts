import { afterAll, beforeAll } from "vitest";
import type { Db } from "../../src/core/db.ts";
import { startTwoNodes, useCluster, type NodeProcess } from "./cluster.ts";
import { closeAll, type TestSocket } from "./support.ts";

export type TwoNodes = { db: Db; nodeA: NodeProcess; nodeB: NodeProcess; track: <S extends TestSocket>(socket: S) => S };

/**
 * Two node processes over a Redis of their own and a fresh database, started before the file's tests; the
 * sockets passed to `track` are closed after them.
 */
export function useTwoNodes(): TwoNodes {
  const cluster = useCluster();
  const sockets: TestSocket[] = [];
  const nodes = {
    track: (socket) => {
      sockets.push(socket);
      return socket;
    },
  } as TwoNodes;
  beforeAll(async () => {
    Object.assign(nodes, await startTwoNodes(cluster));
  }, 30_000);
  afterAll(async () => {
    closeAll(...sockets);
    await nodes.db?.$disconnect();
  });
  return nodes;
}

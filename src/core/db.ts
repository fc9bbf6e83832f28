import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = InstanceType<typeof PrismaClient>;

export function createDb(connectionString: string, max = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

// The custom server and the Next.js half run in one process but as separately bundled module
// graphs; keeping the client on globalThis lets both share one pool instead of opening two.
const SHARED = Symbol.for("parley.db");
type WithShared = typeof globalThis & { [SHARED]?: Db };

export function shareDb(db: Db): void {
  (globalThis as WithShared)[SHARED] = db;
}

export function sharedDb(connectionString: string): Db {
  const holder = globalThis as WithShared;
  return (holder[SHARED] ??= createDb(connectionString));
}

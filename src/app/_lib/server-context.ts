import "server-only";
import { loadConfig, type Config } from "../../config.ts";
import { sharedDb, type Db } from "../../core/db.ts";
import { createLogger, type Logger } from "../../server/log.ts";

// Parsed on first use, after the custom server has published the database URL and secret it resolved.
let config: Config | undefined;
export const serverConfig = (): Config => (config ??= loadConfig());
export const db = (): Db => {
  const { DATABASE_URL } = serverConfig();
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set: start Parley with `npm start` (server.ts), not `next start`");
  return sharedDb(DATABASE_URL);
};

let logger: Logger | undefined;
export const serverLog = (): Logger => (logger ??= createLogger(serverConfig().LOG_LEVEL).child({ part: "next" }));

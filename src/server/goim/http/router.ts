import type { IncomingMessage, ServerResponse } from "node:http";
import type { FileStore } from "../../../core/uploads/file-store.ts";
import type { Logger } from "../../log.ts";
import { addUser, findUserInfo, login, logout, register, type HttpCtx } from "./accounts.ts";
import { addIpBlack, delIpBlack, findUserList, listIpBlack, listMessages, push, uploadFile } from "./chat.ts";
import { answer, sendPreflight, sendText, type Envelope } from "./request.ts";

type Ctx = HttpCtx & { store: FileStore };
const ROUTES: Record<string, (req: IncomingMessage, ctx: Ctx, res: ServerResponse) => Promise<Envelope>> = {
  "/open/adduser": addUser,
  "/auth/register": register,
  "/auth/login": login,
  "/open/push": push,
  "/open/finduserlist": findUserList,
  "/open/finduserinfo": findUserInfo,
  "/open/listmsg": listMessages,
  "/upload/file": (req, ctx, res) => uploadFile(req, res, ctx),
  "/open/listIpblack": listIpBlack,
  "/open/addIpblack": addIpBlack,
  "/open/delIpblack": delIpBlack,
};
const GOIM_HTTP_PATHS = new Set([...Object.keys(ROUTES), "/ping", "/auth/logout"]);

/** golang-im's HTTP API under its own paths; null when the path is not one of them (the caller routes it on). */
export function goimRoute(req: IncomingMessage, res: ServerResponse, ctx: Omit<Ctx, "log">, log: Logger): Promise<void> | null {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (!GOIM_HTTP_PATHS.has(path)) return null;
  if (req.method === "OPTIONS") return Promise.resolve(sendPreflight(res));
  if (path === "/ping") return Promise.resolve(sendText(res, "pong"));
  const withLog = { ...ctx, log };
  if (path === "/auth/logout") return logout(req, res, withLog);
  return answer(res, log, () => ROUTES[path]!(req, withLog, res));
}

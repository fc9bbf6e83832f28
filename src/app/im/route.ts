import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { agentWidget } from "../../core/identity/public-widget-config.ts";
import { deviceIdSchema } from "../../core/ids.ts";
import { requestLocale } from "../_i18n/server-locale.ts";
import { db } from "../_lib/server-context.ts";
import type { VisitorWindowAssets } from "./render.tsx";

type Render = typeof import("./render.tsx");
type Built = { assets: VisitorWindowAssets; render: Render };

const isDev = process.env.NODE_ENV !== "production";
const serverDir = () => path.join(process.cwd(), "build/im"); // VISITOR_WINDOW_SERVER_DIR in scripts/widget-build.mjs

/**
 * The visitor window's build (scripts/widget-build.mjs): its server half, run outside Next.js's bundling so
 * that React renders it as it will hydrate in the browser, and the files the page links. Loaded once in
 * production; in development built again for every page, so an edit shows on the next reload.
 */
let built: Promise<Built> | undefined;
let building: Promise<unknown> | undefined; // development: pages asked for together share one build
async function load(): Promise<Built> {
  if (isDev) {
    const { buildVisitorWindow } = (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ pathToFileURL(path.join(process.cwd(), "scripts/widget-build.mjs")).href)) as typeof import("../../../scripts/widget-build.mjs");
    await (building ??= buildVisitorWindow().finally(() => (building = undefined)));
  }
  const assets = JSON.parse(await readFile(path.join(serverDir(), "manifest.json"), "utf8")) as VisitorWindowAssets;
  const url = `${pathToFileURL(path.join(serverDir(), "render.mjs")).href}${isDev ? `?at=${Date.now()}` : ""}`;
  const render = (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ url)) as Render;
  return { assets, render };
}

/**
 * The visitor window, loaded in the widget's iframe: /im?agent=<agent device ID>&page=<host page URL> (and
 * /im.html, its golang-im name, rewritten here). Its headers (CSP, framing) come from next.config.js and the
 * custom server, as for any page.
 */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const one = (name: string) => params.get(name) ?? "";
  const agentId = deviceIdSchema.safeParse(one("agent"));
  // The widget's looks in the first paint, so the window never flashes in the default colour; an unknown
  // agent gets its explanation from POST /api/visitors, like any other refusal.
  const [initial, locale, { assets, render }] = await Promise.all([
    agentId.success ? agentWidget(db(), agentId.data) : null,
    requestLocale(),
    isDev ? load() : (built ??= load().catch((err: unknown) => ((built = undefined), Promise.reject(err)))),
  ]);
  const html = render.renderVisitorWindowPage({ locale, agentId: one("agent"), page: one("page"), referrer: one("referrer"), initial }, assets);
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "private, no-cache, no-store, max-age=0, must-revalidate" } });
}

// The visitor window's page, rendered on the server (the /im route handler runs this module as built by
// scripts/widget-build.mjs into build/im/render.mjs): the window's first paint as HTML, in the agent's colour and
// the visitor's language, and what the browser bundle needs to hydrate it.
import { renderToString } from "react-dom/server";
import { DATA_ID, ROOT_ID, VisitorWindowApp, type VisitorWindowData } from "./visitor-window-app.tsx";

/** The files the page links (build/im/manifest.json): the entry module, its static imports, the styles. */
export type VisitorWindowAssets = { entry: string; preload: string[]; css: string[] };

// JSON inside <script>: "<" escaped, so no value can close the element or open a comment.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function renderVisitorWindowPage(data: VisitorWindowData, assets: VisitorWindowAssets): string {
  const html = renderToString(<VisitorWindowApp {...data} />);
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>Chat</title>",
    ...assets.css.map((href) => `<link rel="stylesheet" href="${href}">`),
    ...assets.preload.map((href) => `<link rel="modulepreload" href="${href}">`),
    `<script type="module" src="${assets.entry}"></script>`,
  ];
  return [
    "<!DOCTYPE html>",
    `<html lang="${data.locale}">`,
    `<head>${head.join("")}</head>`,
    '<body class="h-full bg-slate-50 text-slate-900 antialiased">',
    `<div id="${ROOT_ID}" class="h-full">${html}</div>`,
    `<script type="application/json" id="${DATA_ID}">${scriptJson(data)}</script>`,
    "</body></html>",
  ].join("");
}

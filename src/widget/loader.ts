/**
 * Parley embed loader (bundled to public/widget.js).
 *
 * This is the only Parley code that runs on a customer's page, so it stays tiny (≤ 5 KB gzipped, held by
 * tests/unit/loader-size.test.ts), self-contained and isolated: everything lives in one shadow root, and
 * the chat itself is an iframe served from our origin, created only when a visitor opens the panel or
 * already has a conversation going (so that replies reach them on every page).
 *
 * JavaScript API for the site (docs/protocol.md §25): window.Parley.open(), close(), toggle(), setName(name),
 * setEmail(email), setAttributes({ plan: "pro" }). Calls made before this script runs wait in
 * window.Parley.q, as [method, args] pairs, which the snippet's stub fills.
 */

interface Config {
  agent: string;
  /** Origin of our server, taken from the script's own src, never the host page. */
  origin: string;
  /** Identity verification: the site's signed-in user and HMAC-SHA256(identity secret, user ID), from its server. */
  userId?: string;
  userHash?: string;
}

/** The parts of GET /api/widget/:agentId the loader uses. */
type Looks = { color: string; position: string };
type Profile = { name?: string; email?: string; attributes?: Record<string, unknown> };
type Method = "open" | "close" | "toggle" | "setName" | "setEmail" | "setAttributes";
type Call = [Method, unknown[]];
type Controller = Record<Method, (...args: unknown[]) => void>;
type ParleyWindow = Window & { __parleyWidget?: boolean; Parley?: Partial<Controller> & { q?: Call[] } };

const AGENT_ID = /^[0-9a-f]{32}$/;
const COLOR = /^#[0-9a-f]{6}$/i;
const METHODS: Method[] = ["open", "close", "toggle", "setName", "setEmail", "setAttributes"];

// The launcher's few words, in the visitor's language (the chat window translates itself).
const TEXT = /^zh\b/i.test(navigator.language)
  ? { open: "打开聊天", close: "关闭聊天", unread: "条未读" }
  : { open: "Open chat", close: "Close chat", unread: "unread" };

// Host rules are !important because, across shadow boundaries, important shadow
// declarations beat the host page's; `all: initial` stops inherited page styles
// (fonts, colours, line-height) from leaking in.
const STYLE = `
:host{all:initial!important;display:block!important;position:fixed!important;right:20px!important;bottom:20px!important;z-index:2147483647!important}
:host(.l){left:20px!important;right:auto!important}
[hidden]{display:none!important}
button{position:relative;z-index:1;display:grid;place-items:center;width:56px;height:56px;padding:0;border:0;border-radius:50%;background:var(--c);color:var(--i);cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}
button:hover{filter:brightness(.92)}
button:focus-visible{outline:3px solid var(--c);outline-offset:2px;box-shadow:0 0 0 2px #fff}
button[aria-expanded=true] .open,button[aria-expanded=false] .close{display:none}
.badge{position:absolute;top:-4px;right:-4px;box-sizing:border-box;min-width:20px;height:20px;padding:0 5px;border:2px solid #fff;border-radius:10px;background:#dc2626;color:#fff;font:700 11px/16px system-ui,sans-serif;text-align:center}
.panel{position:absolute;right:0;bottom:72px;width:min(100vw - 40px,380px);height:min(100vh - 100px,600px);overflow:hidden;border-radius:16px;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.3)}
:host(.l) .panel{left:0;right:auto}
iframe{display:block;width:100%;height:100%;border:0}
@media (max-width:479px){.panel,:host(.l) .panel{position:fixed;top:0;right:0;bottom:0;left:0;width:auto;height:auto;border-radius:0}button[aria-expanded=true]{position:fixed;top:10px;right:10px;width:40px;height:40px;background:transparent;box-shadow:none}}
`;

const ICONS =
  '<svg class="open" width="28" height="28" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>' +
  '<svg class="close" width="24" height="24" viewBox="0 0 24 24" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg>';

// The panel follows the launcher so Tab moves from the launcher into the chat. On a phone the open chat
// fills the screen and the launcher becomes its close button in the header's corner, clear of the composer.
// The launcher stays hidden until the widget's colour and side are known, so it never jumps or changes colour.
const MARKUP =
  `<style>${STYLE}</style>` +
  `<button type="button" aria-expanded="false" hidden>${ICONS}<span class="badge" aria-hidden="true" hidden></span></button>` +
  '<div class="panel" hidden></div>';

/** White or black text on `color`, whichever contrasts more (WCAG relative luminance; black wins above ~0.18). */
function inkOn(color: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! > 0.179 ? "#000" : "#fff";
}

function findOwnScript(): HTMLScriptElement | null {
  // currentScript is only set during synchronous evaluation and is null in some
  // async/injected cases, so fall back to the documented shape of the embed tag.
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.hasAttribute("data-agent")) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="widget.js"][data-agent]');
}

function readConfig(): Config | null {
  const script = findOwnScript();
  const agent = script?.getAttribute("data-agent") ?? "";
  if (!script || !AGENT_ID.test(agent)) {
    console.warn('Parley: chat widget not started. The <script> tag needs data-agent="<32-character lowercase hex agent id>".');
    return null;
  }
  const userId = script.getAttribute("data-user-id") || undefined;
  const userHash = script.getAttribute("data-user-hash") || undefined;
  return { agent, origin: new URL(script.src).origin, userId, userHash };
}

function createFrame({ agent, origin, userId, userHash }: Config, shown: boolean): HTMLIFrameElement {
  const frame = document.createElement("iframe");
  frame.title = "Chat";
  // Permissions policy is fixed at navigation time, so `allow` must precede `src`.
  frame.allow = "clipboard-write";
  frame.src =
    `${origin}/im?agent=${agent}` +
    `&page=${encodeURIComponent(location.href)}&referrer=${encodeURIComponent(document.referrer)}` +
    `#store=${encodeURIComponent(JSON.stringify(readStore()))}` +
    // A frame made in the background (a conversation is going) must not mark replies read until it is shown.
    (shown ? "" : "&shown=0") +
    // In the fragment, like the store: never sent to any server, so never in an access log.
    (userId && userHash ? `&userId=${encodeURIComponent(userId)}&userHash=${encodeURIComponent(userHash)}` : "");
  return frame;
}

// Browsers that block third-party storage deny the iframe its localStorage; it then keeps its
// `parley.*` keys (visitor token, unsent messages) in the host page's storage through us. The
// snapshot rides in the URL fragment, which never reaches any server. The window also keeps
// `parley.chat.<agent>` here, set once a message was sent or received: then the frame is made at load.
const STORE_PREFIX = "parley.";

function readStore(): Record<string, string> {
  const entries: Record<string, string> = {};
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(STORE_PREFIX)) entries[key] = localStorage.getItem(key) ?? "";
    }
  } catch {
    // storage blocked here too: the visitor is new on every visit, and chat still works
  }
  return entries;
}

function writeStore(key: unknown, value: unknown): void {
  if (typeof key !== "string" || !key.startsWith(STORE_PREFIX)) return;
  try {
    if (typeof value === "string") localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // storage blocked or full: same as above
  }
}

function mount(config: Config, looks: Promise<Looks | undefined>): Controller {
  const host = document.createElement("div");
  host.id = "parley-widget";
  // The shadow root keeps host-page CSS out of the widget and ours out of the page. It is open, not
  // closed: isolation is the same, and assistive technology and test tools can still reach inside.
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = MARKUP;
  document.body.appendChild(host);

  const launcher = root.querySelector("button")!;
  const badge = root.querySelector<HTMLElement>(".badge")!;
  const panel = root.querySelector<HTMLElement>(".panel")!;
  // Kept once created (merely hidden on close) so the conversation keeps its connection.
  let frame: HTMLIFrameElement | undefined;
  // Whether the window inside listens yet (it says "parley:ready"); until then, posts to it would be lost.
  let ready = false;
  // What the site said about its visitor (setName, setEmail, setAttributes), merged; the window sends it on.
  const profile: Profile = {};

  const post = (data: object): void => {
    if (ready) frame?.contentWindow?.postMessage(data, config.origin);
  };
  // The window inside cannot see whether its panel is shown; it marks messages read only while it is.
  const tellFrame = (): void => post({ type: "parley:panel", open: !panel.hidden });
  const sendProfile = (): void => post({ type: "parley:profile", profile });

  // The launcher appears when the widget's looks are known, in the default ones if they cannot be had.
  looks.then((found) => {
    const color = found && COLOR.test(found.color) ? found.color : "#4f46e5";
    host.style.cssText = `--c:${color};--i:${inkOn(color)}`;
    if (found?.position === "left") host.className = "l";
    launcher.hidden = false;
  });

  let unread = 0;
  // The badge is visual only; screen readers get the state and the count through the label.
  const label = (): void =>
    launcher.setAttribute("aria-label", !panel.hidden ? TEXT.close : unread ? `${TEXT.open}, ${unread} ${TEXT.unread}` : TEXT.open);
  label();

  const makeFrame = (shown: boolean): HTMLIFrameElement => (frame ??= panel.appendChild(createFrame(config, shown)));

  const open = (): void => {
    makeFrame(true);
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    label();
    frame!.focus();
    tellFrame();
  };

  const close = (): void => {
    // Hiding the focused iframe would otherwise drop keyboard users onto <body>.
    if (panel.contains(root.activeElement)) launcher.focus();
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    label();
    tellFrame();
  };

  const setUnread = (count: number): void => {
    unread = Math.max(0, Math.floor(count)) || 0;
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? "99+" : String(unread);
    label();
  };

  const toggle = (): void => (panel.hidden ? open() : close());
  launcher.addEventListener("click", toggle);

  // Keystrokes inside the iframe never reach us (the iframe posts parley:close
  // instead); this covers focus on our own elements.
  root.addEventListener("keydown", (event) => {
    if ((event as KeyboardEvent).key === "Escape" && !panel.hidden) close();
  });

  window.addEventListener("message", (event) => {
    // Any page or frame can post to window; only trust our own iframe.
    if (!frame || event.source !== frame.contentWindow || event.origin !== config.origin) return;
    const data = event.data;
    if (data?.type === "parley:close") close();
    else if (data?.type === "parley:unread" && typeof data.count === "number") setUnread(data.count);
    else if (data?.type === "parley:store") writeStore(data.key, data.value);
    else if (data?.type === "parley:ready") {
      ready = true;
      tellFrame();
      sendProfile();
    }
  });

  // A visitor with a conversation going gets the window at once (hidden), so replies reach them and count as unread.
  if (readStore()[`${STORE_PREFIX}chat.${config.agent}`]) makeFrame(false);

  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const update = (patch: Profile): void => {
    Object.assign(profile, patch);
    sendProfile();
  };
  return {
    open,
    close,
    toggle,
    setName: (name) => update({ name: text(name) }),
    setEmail: (email) => update({ email: text(email) }),
    setAttributes: (attributes) => {
      if (attributes && typeof attributes === "object") update({ attributes: { ...profile.attributes, ...attributes } });
    },
  };
}

/** window.Parley: calls wait in `q` until the widget is on the page, then run in order; later calls run at once. */
function installApi(win: ParleyWindow): (controller: Controller) => void {
  const queue: Call[] = Array.isArray(win.Parley?.q) ? win.Parley.q : [];
  let controller: Controller | undefined;
  const api = { q: queue } as Controller & { q: Call[] };
  for (const method of METHODS) {
    api[method] = (...args: unknown[]) => {
      if (controller) controller[method](...args);
      else queue.push([method, args]);
    };
  }
  win.Parley = api;
  return (mounted) => {
    controller = mounted;
    for (const [method, args] of queue.splice(0)) if (METHODS.includes(method)) mounted[method](...(Array.isArray(args) ? args : []));
  };
}

function init(): void {
  const win = window as ParleyWindow;
  if (win.__parleyWidget) return;
  // Must run synchronously: currentScript is gone once DOMContentLoaded fires.
  const config = readConfig();
  if (!config) return;
  win.__parleyWidget = true;
  const start = installApi(win);
  // Asked at once, alongside the page's own loading, never in its way.
  const looks = fetch(`${config.origin}/api/widget/${config.agent}`)
    .then((response) => response.json())
    .then((reply: { data?: { widget?: Looks } }) => reply.data?.widget)
    .catch(() => undefined);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => start(mount(config, looks)), { once: true });
  } else {
    start(mount(config, looks));
  }
}

init();

// Makes this file a module for tsc, so its top-level names don't become project-wide globals.
export {};

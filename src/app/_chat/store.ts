"use client";

/** What the visitor window keeps across reloads: its token and its unsent messages. */
export type KeyValueStore = { get(key: string): string | null; set(key: string, value: string): void; remove(key: string): void };

let store: KeyValueStore | undefined;

/**
 * localStorage when the browser allows it. In an iframe on another site, browsers that block
 * third-party storage deny it; then the embedding loader (public/widget.js) keeps the keys in the
 * host page's storage: it hands us a snapshot in the URL fragment and takes writes by postMessage.
 */
export function clientStore(): KeyValueStore {
  return (store ??= localStorageStore() ?? parentStore());
}

function localStorageStore(): KeyValueStore | null {
  try {
    const probe = "parley.probe";
    localStorage.setItem(probe, "1");
    localStorage.removeItem(probe);
    return { get: (k) => localStorage.getItem(k), set: (k, v) => localStorage.setItem(k, v), remove: (k) => localStorage.removeItem(k) };
  } catch {
    return null;
  }
}

function parentStore(): KeyValueStore {
  const entries = new Map<string, string>(Object.entries(snapshotFromFragment()));
  const post = (key: string, value: string | null) => {
    if (window.parent !== window) window.parent.postMessage({ type: "parley:store", key, value }, "*");
  };
  return {
    get: (key) => entries.get(key) ?? null,
    set: (key, value) => {
      entries.set(key, value);
      post(key, value);
    },
    remove: (key) => {
      entries.delete(key);
      post(key, null);
    },
  };
}

function snapshotFromFragment(): Record<string, string> {
  try {
    const raw = new URLSearchParams(location.hash.slice(1)).get("store");
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

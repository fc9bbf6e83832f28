"use client";

import { useEffect, useState } from "react";
import type { VisitorProfileUpdate } from "../../server/socket/contract.ts";

/**
 * The window's side of the conversation with the loader on the host page (src/widget/loader.ts): whether
 * the panel is shown, and what the site said about its visitor through window.Parley (setName, setEmail,
 * setAttributes). The loader answers "parley:ready" with both, and sends the profile again on every call.
 */
export function useHostBridge(): { panelOpen: boolean; siteProfile: VisitorProfileUpdate | null } {
  // A frame the loader made in the background (the visitor has a conversation going) starts hidden.
  const [panelOpen, setPanelOpen] = useState(() => typeof location === "undefined" || new URLSearchParams(location.hash.slice(1)).get("shown") !== "0");
  const [siteProfile, setSiteProfile] = useState<VisitorProfileUpdate | null>(null);
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window.parent || window.parent === window) return;
      const data = event.data as { type?: string; open?: unknown; profile?: unknown } | null;
      if (data?.type === "parley:panel") setPanelOpen(data.open === true);
      else if (data?.type === "parley:profile") setSiteProfile(profileFrom(data.profile));
    };
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && tellHost({ type: "parley:close" });
    window.addEventListener("message", onMessage);
    window.addEventListener("keydown", onKey);
    tellHost({ type: "parley:ready" });
    return () => {
      window.removeEventListener("message", onMessage);
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  return { panelOpen, siteProfile };
}

/** To the loader. Its origin is the customer's site, unknown here; nothing secret is sent this way. */
export function tellHost(data: object): void {
  if (window.parent !== window) window.parent.postMessage(data, "*");
}

/** Only the shapes the protocol takes: the server validates the values themselves. */
function profileFrom(value: unknown): VisitorProfileUpdate | null {
  if (!value || typeof value !== "object") return null;
  const { name, email, attributes } = value as Record<string, unknown>;
  const profile: VisitorProfileUpdate = {};
  if (typeof name === "string") profile.name = name;
  if (typeof email === "string") profile.email = email;
  if (attributes && typeof attributes === "object" && !Array.isArray(attributes)) profile.attributes = attributes as VisitorProfileUpdate["attributes"];
  return Object.keys(profile).length ? profile : null;
}

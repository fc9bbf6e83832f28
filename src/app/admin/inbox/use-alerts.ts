"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { InboxEntry } from "../../../server/socket/contract.ts";
import { playChime, unlockAudio } from "./chime.ts";
import { previewOf } from "./inbox-view.ts";
import { newVisitorMessages, seenSeqsOf, type SeenSeqs } from "./new-messages.ts";

/** What the agent chose in the bell menu, kept in this browser. */
export type AlertPrefs = { notify: boolean; sound: boolean };
export type NotifyPermission = NotificationPermission | "unsupported";

const PREFS_KEY = "parley.console.alerts";
const BODY_MAX = 140;

const permissionNow = (): NotifyPermission => ("Notification" in window ? Notification.permission : "unsupported");

function loadPrefs(): AlertPrefs {
  try {
    const saved = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "null") as Partial<AlertPrefs> | null;
    if (saved) return { notify: saved.notify === true, sound: saved.sound !== false };
  } catch {
    // unreadable or blocked storage: the defaults
  }
  // Never chosen: notifications on if this site may already show them, and the sound on.
  return { notify: permissionNow() === "granted", sound: true };
}

type Options = { inbox: Readonly<Record<string, InboxEntry>>; onOpen: (conversationId: string) => void; photo: string };

/**
 * Announces new visitor messages while the tab is hidden: a browser notification (title: the visitor, body:
 * the message, tag: the conversation, so a burst from one visitor shows once; a click focuses the console on
 * it) and a chime. New messages are told apart by watching the ChatClient's inbox rows (lastSeq).
 */
export function useAlerts({ inbox, onOpen, photo }: Options) {
  const [prefs, setPrefs] = useState<AlertPrefs>({ notify: false, sound: false });
  const [permission, setPermission] = useState<NotifyPermission>("default");
  const [since] = useState(() => Date.now());
  const seen = useRef<SeenSeqs | null>(null);
  const latest = useRef({ prefs, onOpen, photo });
  latest.current = { prefs, onOpen, photo };

  // Read after mounting: the server render knows neither localStorage nor the permission.
  useEffect(() => {
    setPrefs(loadPrefs());
    setPermission(permissionNow());
  }, []);

  const save = useCallback((patch: Partial<AlertPrefs>) => {
    setPrefs((previous) => {
      const next = { ...previous, ...patch };
      try {
        localStorage.setItem(PREFS_KEY, JSON.stringify(next));
      } catch {
        // the choice lasts until the page closes
      }
      return next;
    });
  }, []);

  const setNotify = useCallback(
    async (on: boolean) => {
      if (!on) return save({ notify: false });
      if (!("Notification" in window)) return setPermission("unsupported");
      const result = Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
      setPermission(result);
      save({ notify: result === "granted" });
    },
    [save],
  );

  const setSound = useCallback(
    (on: boolean) => {
      if (on) {
        unlockAudio(); // this click is the gesture browsers want before any sound
        playChime(); // and the agent hears what it will sound like
      }
      save({ sound: on });
    },
    [save],
  );

  useEffect(() => {
    if (!prefs.sound) return;
    const unlock = () => unlockAudio();
    window.addEventListener("pointerdown", unlock, { once: true });
    window.addEventListener("keydown", unlock, { once: true });
    return () => {
      window.removeEventListener("pointerdown", unlock);
      window.removeEventListener("keydown", unlock);
    };
  }, [prefs.sound]);

  useEffect(() => {
    const fresh = newVisitorMessages(seen.current, inbox, since);
    seen.current = seenSeqsOf(inbox);
    if (!fresh.length || document.visibilityState !== "hidden") return;
    const { prefs, onOpen, photo } = latest.current;
    if (prefs.notify && permissionNow() === "granted") {
      for (const entry of fresh) {
        const preview = entry.lastMessage ? previewOf(entry.lastMessage, photo) : "";
        const notification = new Notification(entry.peer.label, { body: preview.length > BODY_MAX ? `${preview.slice(0, BODY_MAX)}…` : preview, tag: entry.id });
        notification.onclick = () => {
          window.focus();
          onOpen(entry.id);
          notification.close();
        };
      }
    }
    if (prefs.sound) playChime();
  }, [inbox, since]);

  return { prefs, permission, setNotify, setSound };
}

import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { E2E_PORT } from "../../playwright.config.ts";

// Visitors for the inbox tests, made through the public protocol (docs/protocol.md §3, §7) from the test
// process: the console shows them exactly as it shows visitors who came through the widget, and fifty of
// them take seconds instead of fifty browser windows.

const BASE_URL = `http://localhost:${E2E_PORT}`;

export type SeededVisitor = { label: string; conversationId: string; socket: Socket; say: (body: string) => Promise<void>; leave: () => void };

/** The agent's device ID, from the embed snippet. */
export const agentIdOf = (snippet: string): string => /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;

/** A visitor of `agentId`, connected (so online), who writes `messages` in order. */
export async function seedVisitor(agentId: string, messages: readonly string[] = []): Promise<SeededVisitor> {
  const response = await fetch(`${BASE_URL}/api/visitors`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agentId }) });
  const reply = (await response.json()) as { ok: boolean; data: { token: string; conversationId: string; visitor: { label: string } } };
  expect(reply.ok).toBe(true);
  const { token, conversationId, visitor } = reply.data;
  const socket = io(BASE_URL, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const say = async (body: string) => {
    const ack = (await socket.timeout(5000).emitWithAck("message:send", { conversationId, clientMsgId: randomUUID(), body })) as { ok: boolean };
    expect(ack.ok).toBe(true);
  };
  for (const body of messages) await say(body);
  return { label: visitor.label, conversationId, socket, say, leave: () => socket.close() };
}

/** The conversation rows of the console's inbox. */
export const inboxRows = (page: Page) => page.getByRole("navigation", { name: /Conversations|会话列表/ }).getByRole("listitem").getByRole("button");

/**
 * Records what the console does with the browser's Notification and WebAudio: every `new Notification(...)`
 * (title, body, tag) in `window.__notifications` and the last one in `window.__lastNotification`, and every chime (two notes) in `window.__chimes`.
 * `permission`: what Notification.permission claims (the context's grant decides otherwise).
 */
export async function recordAlerts(page: Page, permission?: NotificationPermission): Promise<void> {
  await page.addInitScript((forced) => {
    type Recorded = { title: string; body?: string; tag?: string };
    const w = window as unknown as { __notifications: Recorded[]; __lastNotification: Notification; __chimes: number; Notification: typeof Notification };
    w.__notifications = [];
    w.__chimes = 0;
    const Real = window.Notification;
    class Recorder extends Real {
      constructor(title: string, options?: NotificationOptions) {
        w.__notifications.push({ title, body: options?.body, tag: options?.tag });
        super(title, options);
        w.__lastNotification = this;
      }
      static override get permission(): NotificationPermission {
        return forced ?? Real.permission;
      }
      static override requestPermission(): Promise<NotificationPermission> {
        return forced ? Promise.resolve(forced) : Real.requestPermission();
      }
    }
    w.Notification = Recorder;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__chimes += 0.5; // a chime has two notes
      return create.call(this);
    };
  }, permission ?? null);
}

export const recordedNotifications = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string; tag?: string }[] }).__notifications);
export const chimeCount = (page: Page) => page.evaluate(() => (window as unknown as { __chimes: number }).__chimes);

/** Makes the tab look hidden (or visible again) to the page, as switching tabs would. */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (isHidden ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => isHidden });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

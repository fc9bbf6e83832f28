import { io, type Socket } from "socket.io-client";
import type {
  AckResult,
  ClientToServerEvents,
  ConversationStatusChange,
  InboxEntry,
  MessageView,
  PresenceChange,
  ReadReceipt,
  ServerToClientEvents,
  TypingChange,
  UploadView,
  VisitorProfile,
} from "../../server/socket/contract.ts";
import { contiguousSeq, mergeBySeq, withNewest } from "./held-messages.ts";
import { clientStore } from "./store.ts";
import { IMAGE_TYPES, UploadError, uploadFile } from "./upload-file.ts";

export type Outgoing = {
  conversationId: string;
  clientMsgId: string;
  body: string; // with an attachment: its caption, possibly ""
  attachment?: UploadView; // already uploaded: the message only refers to it by id
  createdAt: string;
  status: "sending" | "failed";
  error?: string;
};
/** A file on its way to POST /api/uploads; once stored, it becomes an Outgoing message. */
export type PendingUpload = {
  id: string; // local only
  conversationId: string;
  name: string;
  size: number;
  previewUrl: string | null; // an object URL of the file itself, for what claims to be an image
  progress: number; // 0..1
  status: "uploading" | "failed";
  error?: UploadError["reason"];
};
/** How much older history a conversation has beyond what is held, and whether a page of it is on its way. */
export type HistoryState = { hasMore: boolean; loadingOlder: boolean };
export type ChatState = {
  connection: "connecting" | "online" | "offline";
  inbox: Readonly<Record<string, InboxEntry>>;
  messages: Readonly<Record<string, readonly MessageView[]>>; // open conversations: a contiguous range of seqs, newest page first, by seq
  history: Readonly<Record<string, HistoryState>>; // conversations whose newest page is loaded
  outbox: readonly Outgoing[]; // sent but not yet acknowledged: shown as "sending", resent until acked
  uploads: readonly PendingUpload[]; // not kept across reloads: the File is gone with the page
  peerTyping: Readonly<Record<string, boolean>>; // by conversation: the other side is typing now
};
/** `auth.page`: a visitor's host page, which the handshake holds to the widget's allowed origins. */
export type ChatClientOptions = { deviceId: string; auth?: { token: string; page?: string }; onUnauthenticated?: () => void };

const ACK_TIMEOUT_MS = 8000;
const SYNC_PAGE = 100;
const HISTORY_PAGE = 50;
const TYPING_RESEND_MS = 3000; // "still typing" at most this often
const TYPING_IDLE_MS = 4000; // no keystroke for this long: stopped typing
const TYPING_EXPIRY_MS = 6000; // a peer's "typing" without news for this long is dropped (its "false" may be lost)
// Codes after which the same send can succeed later; anything else will fail the same way again.
const RETRIABLE = new Set(["UNAVAILABLE", "RATE_LIMITED", "TIMEOUT", "DISCONNECTED"]);

export class AckError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The browser side of the protocol (docs/protocol.md), shared by the visitor window and the console:
 * an outbox kept in localStorage and resent with the same clientMsgId until acked; a conversation opens on
 * its newest page and loads older pages on demand (§22); a sync from the end of the contiguous run held on
 * every connect and whenever a hidden tab becomes visible (§12).
 */
export class ChatClient {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly storageKey: string;
  private readonly syncing = new Map<string, Promise<void>>();
  private readonly resyncWanted = new Set<string>();
  private readonly loadingOlder = new Map<string, Promise<void>>();
  private flushing = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 1000;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectDelay = 1000;
  private active: string | undefined; // the conversation on screen: it gets read receipts
  private isShown = true;
  private readonly uploadAborts = new Map<string, AbortController>();
  private typingSent: { conversationId: string; at: number } | undefined; // this side's last "typing" news
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly peerTypingTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly options: ChatClientOptions) {
    this.storageKey = `parley.outbox.${options.deviceId}`;
    this.state = { connection: "connecting", inbox: {}, messages: {}, history: {}, outbox: this.loadOutbox(), uploads: [], peerTyping: {} };
    this.socket = io({ auth: options.auth ?? {}, transports: ["websocket", "polling"] });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => {
      this.set({ connection: "offline" });
      // A node shutting down sends its sockets away; socket.io-client does not come back by itself from
      // that, so reconnect (through the balancer, to a node still up) and sync.
      if (reason === "io server disconnect") this.retryConnect();
    });
    this.socket.on("connect_error", (err) => {
      this.set({ connection: "offline" });
      // Refused credentials (an expired token, a page outside the allowed origins): the owner renews or explains.
      const code = (err as { data?: { code?: string } }).data?.code;
      if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") return options.onUnauthenticated?.();
      // socket.io-client retries transport failures itself, but not a handshake the server refused
      // (say, its database was briefly down): try again after a pause.
      if (!this.socket.active) this.retryConnect();
    });
    this.socket.on("message:sent", (message) => this.receive(message));
    this.socket.on("conversation:read", (receipt) => this.applyReceipt(receipt));
    this.socket.on("presence:changed", (change) => this.applyPresence(change));
    this.socket.on("typing:changed", (change) => this.applyTyping(change));
    this.socket.on("conversation:updated", (change) => this.applyStatus(change));
    this.socket.on("visitor:updated", (visitor) => this.applyVisitor(visitor));
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
  }

  // --- for React (useSyncExternalStore) ---
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
  getState = (): ChatState => this.state;

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** Listens to one server event (say, `visitor:updated` for the console's visitor panel); returns the way to stop. */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's typed on() cannot follow a generic event name
    const socket = this.socket as any;
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  /**
   * Takes inbox rows the caller fetched itself (a further page of `conversation:list`) into the live inbox, so
   * presence, status and new messages keep them current. Rows already held are live already and stay as they are.
   */
  adopt(entries: readonly InboxEntry[]): void {
    const fresh = entries.filter((entry) => !this.state.inbox[entry.id]);
    if (!fresh.length) return;
    const inbox = { ...this.state.inbox };
    for (const entry of fresh) inbox[entry.id] = entry;
    this.set({ inbox });
  }

  /** No conversation is on screen any more (the console's phone layout went back to the list): nothing gets marked read. */
  leave(): void {
    this.active = undefined;
  }

  close(): void {
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.typingIdleTimer);
    for (const timer of this.peerTypingTimers.values()) clearTimeout(timer);
    for (const upload of this.state.uploads) this.dismissUpload(upload.id);
    this.socket.close();
  }

  /** Shows a conversation: loads its newest page (then what was missed since) and marks it read while visible. */
  async open(conversationId: string): Promise<void> {
    this.active = conversationId;
    if (!this.state.messages[conversationId]) this.set({ messages: { ...this.state.messages, [conversationId]: [] } });
    if (!this.state.inbox[conversationId]) await this.fetchSummary(conversationId);
    await this.sync(conversationId);
    this.markRead(conversationId);
  }

  /**
   * Loads the page of messages before the lowest one held (docs/protocol.md §22), once at a time per
   * conversation; does nothing when the conversation's newest page is not loaded yet or nothing older exists.
   */
  loadOlder(conversationId: string): Promise<void> {
    const running = this.loadingOlder.get(conversationId);
    if (running) return running;
    const history = this.state.history[conversationId];
    const lowest = this.state.messages[conversationId]?.[0];
    if (!history?.hasMore || !lowest) return Promise.resolve();
    this.setHistory(conversationId, { loadingOlder: true });
    const run = this.request("message:history", { conversationId, beforeSeq: lowest.seq, limit: HISTORY_PAGE })
      .then((page) => {
        this.merge(conversationId, page.messages);
        this.setHistory(conversationId, { hasMore: page.hasMore });
      })
      .catch(() => undefined) // disconnected or timed out: scrolling up again tries again
      .finally(() => {
        this.loadingOlder.delete(conversationId);
        this.setHistory(conversationId, { loadingOlder: false });
      });
    this.loadingOlder.set(conversationId, run);
    return run;
  }

  send(conversationId: string, body: string, attachment?: UploadView): void {
    const outgoing: Outgoing = { conversationId, clientMsgId: crypto.randomUUID(), body, attachment, createdAt: new Date().toISOString(), status: "sending" };
    this.set({ outbox: [...this.state.outbox, outgoing] });
    this.saveOutbox();
    this.setTyping(conversationId, false);
    void this.flush();
  }

  /**
   * Called on every edit of the message box: tells the peer "typing" at most every few seconds while the
   * text keeps changing, and "stopped" after a pause, when the box is emptied, or when the message is sent.
   */
  setTyping(conversationId: string, isTyping: boolean): void {
    clearTimeout(this.typingIdleTimer);
    const sent = this.typingSent;
    if (!isTyping) {
      if (!sent) return;
      this.typingSent = undefined;
      return void this.request("typing:set", { conversationId: sent.conversationId, isTyping: false }).catch(() => undefined);
    }
    if (sent && sent.conversationId !== conversationId) this.setTyping(sent.conversationId, false);
    const now = Date.now();
    if (!this.typingSent || now - this.typingSent.at >= TYPING_RESEND_MS) {
      this.typingSent = { conversationId, at: now };
      void this.request("typing:set", { conversationId, isTyping: true }).catch(() => undefined); // best effort: news, not data
    }
    this.typingIdleTimer = setTimeout(() => this.setTyping(conversationId, false), TYPING_IDLE_MS);
  }

  /** Agents only: marks the conversation resolved, or open again. */
  async setStatus(conversationId: string, status: "open" | "resolved"): Promise<void> {
    const change = await this.request(status === "resolved" ? "conversation:resolve" : "conversation:reopen", { conversationId });
    this.applyStatus(change);
  }

  /** Uploads each file (progress in `uploads`), then sends it as an ordinary message through the outbox. */
  sendFiles(conversationId: string, files: readonly File[]): void {
    for (const file of files) void this.sendFile(conversationId, file);
  }

  /** Cancels an upload under way, or clears a failed one from the list. */
  dismissUpload(id: string): void {
    this.uploadAborts.get(id)?.abort();
    this.removeUpload(id);
  }

  /** Forgets a message the server refused for good (it was never stored, so there is nothing to delete). */
  discard(clientMsgId: string): void {
    this.set({ outbox: this.state.outbox.filter((o) => !(o.clientMsgId === clientMsgId && o.status === "failed")) });
  }

  /** Whether the chat is on screen beyond the tab being visible (the widget's panel may be closed). */
  setShown(isShown: boolean): void {
    this.isShown = isShown;
    if (isShown && this.active) this.markRead(this.active);
  }

  /** Tells the server this side has seen everything up to the last message, when the window is actually visible. */
  markRead(conversationId: string): void {
    const summary = this.state.inbox[conversationId];
    const isVisible = document.visibilityState === "visible" && this.isShown;
    if (!summary || !isVisible || this.active !== conversationId || summary.lastReadSeq >= summary.lastSeq) return;
    this.request("conversation:mark-read", { conversationId, seq: summary.lastSeq })
      .then((receipt) => this.applyReceipt(receipt))
      .catch(() => undefined); // the next message or reconnect tries again
  }

  // --- connection lifecycle ---
  private async onConnect(): Promise<void> {
    this.set({ connection: "online" });
    this.retryDelay = 1000;
    this.connectDelay = 1000;
    void this.flush();
    await this.resync();
  }

  private onVisibility = () => {
    if (document.visibilityState !== "visible" || !this.socket.connected) return;
    void this.resync();
    void this.flush();
  };

  // A WebSocket can outlive the network under it until the heartbeat times out (tens of seconds);
  // the browser knows sooner, so drop the link at once and reconnect (then sync) when it is back.
  private onOffline = () => {
    this.socket.disconnect();
    this.set({ connection: "offline" });
  };
  private retryConnect(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.socket.connect(), this.connectDelay);
    this.connectDelay = Math.min(this.connectDelay * 2, 30_000);
  }

  private onOnline = () => {
    if (!this.socket.connected) this.socket.connect();
  };

  /** Catch up on everything missed: the inbox, then each loaded conversation from its last seq. */
  private async resync(): Promise<void> {
    try {
      const { conversations } = await this.request("conversation:list", {});
      const inbox = { ...this.state.inbox };
      for (const entry of conversations) inbox[entry.id] = entry;
      this.set({ inbox });
    } catch {
      return; // disconnected again: the next connect resyncs
    }
    await Promise.all(Object.keys(this.state.messages).map((id) => this.sync(id)));
    if (this.active) this.markRead(this.active);
  }

  /**
   * Loads the newest page if it is not held yet, then pages through message:sync from the end of the contiguous
   * run held until hasMore is false. One sync per conversation at a time.
   */
  private sync(conversationId: string): Promise<void> {
    const running = this.syncing.get(conversationId);
    if (running) {
      this.resyncWanted.add(conversationId); // something arrived meanwhile: go round once more after this one
      return running;
    }
    // The cleanup runs as a microtask, so even a sync that finishes at once is registered before it is removed.
    const run = this.pageThrough(conversationId).finally(() => {
      this.syncing.delete(conversationId);
      if (this.resyncWanted.delete(conversationId)) void this.sync(conversationId);
    });
    this.syncing.set(conversationId, run);
    return run;
  }

  private async pageThrough(conversationId: string): Promise<void> {
    try {
      if (!this.state.history[conversationId]) {
        // Never a sync from 0 through a long history: the newest page first, then whatever arrived meanwhile.
        const newest = await this.request("message:history", { conversationId, limit: HISTORY_PAGE });
        this.merge(conversationId, newest.messages);
        this.setHistory(conversationId, { hasMore: newest.hasMore });
      }
      let hasMore = true;
      while (hasMore && this.socket.connected) {
        const page = await this.request("message:sync", { conversationId, afterSeq: this.lastSeqHeld(conversationId), limit: SYNC_PAGE });
        this.merge(conversationId, page.messages);
        hasMore = page.hasMore;
      }
    } catch {
      // disconnected or refused: the next connect or visibility change syncs again
    }
  }

  // --- sending ---
  private async sendFile(conversationId: string, file: File): Promise<void> {
    const id = crypto.randomUUID();
    const abort = new AbortController();
    this.uploadAborts.set(id, abort);
    const previewUrl = IMAGE_TYPES.includes(file.type) ? URL.createObjectURL(file) : null;
    const upload: PendingUpload = { id, conversationId, name: file.name || "file", size: file.size, previewUrl, progress: 0, status: "uploading" };
    this.set({ uploads: [...this.state.uploads, upload] });
    try {
      const stored = await uploadFile({ conversationId, file, token: this.options.auth?.token, signal: abort.signal, onProgress: (progress) => this.onUploadProgress(id, progress) });
      this.removeUpload(id);
      this.send(conversationId, "", stored);
    } catch (err) {
      if (abort.signal.aborted) return; // dismissed by the user: already gone from the list
      this.patchUpload(id, { status: "failed", error: err instanceof UploadError ? err.reason : { text: (err as Error).message } });
    } finally {
      this.uploadAborts.delete(id);
    }
  }

  private onUploadProgress(id: string, progress: number): void {
    const shown = this.state.uploads.find((u) => u.id === id)?.progress ?? 0;
    if (Math.floor(progress * 100) > Math.floor(shown * 100)) this.patchUpload(id, { progress }); // a render per percent, not per event
  }

  private patchUpload(id: string, patch: Partial<PendingUpload>): void {
    this.set({ uploads: this.state.uploads.map((u) => (u.id === id ? { ...u, ...patch } : u)) });
  }

  private removeUpload(id: string): void {
    const upload = this.state.uploads.find((u) => u.id === id);
    if (upload?.previewUrl) URL.revokeObjectURL(upload.previewUrl);
    this.set({ uploads: this.state.uploads.filter((u) => u.id !== id) });
  }

  /** Sends the outbox in order, one at a time, so messages keep the order they were written in. */
  private async flush(): Promise<void> {
    if (this.flushing || !this.socket.connected) return;
    this.flushing = true;
    try {
      for (let next = this.nextToSend(); next; next = this.nextToSend()) {
        const { conversationId, clientMsgId, body, attachment } = next;
        try {
          const { message } = await this.request("message:send", { conversationId, clientMsgId, body, ...(attachment && { uploadId: attachment.id }) });
          this.dropOutgoing(clientMsgId);
          this.merge(conversationId, [message]);
          this.retryDelay = 1000;
        } catch (err) {
          const code = err instanceof AckError ? err.code : "INTERNAL";
          if (RETRIABLE.has(code)) return this.scheduleRetry();
          this.set({ outbox: this.state.outbox.map((o) => (o.clientMsgId === clientMsgId ? { ...o, status: "failed", error: (err as Error).message } : o)) });
          this.saveOutbox();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private nextToSend = () => this.state.outbox.find((o) => o.status === "sending");

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 15_000);
  }

  private dropOutgoing(clientMsgId: string): void {
    this.set({ outbox: this.state.outbox.filter((o) => o.clientMsgId !== clientMsgId) });
    this.saveOutbox();
  }

  // --- incoming ---
  private receive(message: MessageView): void {
    const { conversationId } = message;
    const held = this.state.messages[conversationId];
    // A gap means something was missed (a drop, another node): fetch it rather than show a hole.
    if (held && message.seq > this.lastSeqHeld(conversationId) + 1) void this.sync(conversationId);
    this.merge(conversationId, [message]);
    if (message.senderDeviceId !== this.deviceId) this.clearPeerTyping(conversationId);
    if (!this.state.inbox[conversationId]) void this.fetchSummary(conversationId);
    this.markRead(conversationId);
  }

  /** Adds messages (deduplicated by seq) and brings the inbox row up to date with them. */
  private merge(conversationId: string, incoming: readonly MessageView[]): void {
    if (!incoming.length) return;
    const held = this.state.messages[conversationId];
    const messages = held ? { ...this.state.messages, [conversationId]: mergeBySeq(held, incoming) } : this.state.messages;
    const newest = incoming.reduce((a, b) => (b.seq > a.seq ? b : a));
    const summary = this.state.inbox[conversationId];
    let inbox = summary && newest.seq >= summary.lastSeq ? { ...this.state.inbox, [conversationId]: withNewest(summary, newest, this.deviceId) } : this.state.inbox;
    // A new message from the visitor reopens a resolved conversation, as the server does when it stores it.
    if (summary?.status === "resolved") {
      const visitorDeviceId = summary.peer.kind === "visitor" ? summary.peer.deviceId : this.deviceId;
      if (incoming.some((m) => m.seq > summary.lastSeq && m.senderDeviceId === visitorDeviceId)) inbox = { ...inbox, [conversationId]: { ...inbox[conversationId]!, status: "open" } };
    }
    // An acked message may come back through sync or another tab: it is no longer "sending".
    const confirmed = new Set(incoming.map((m) => m.clientMsgId));
    const outbox = this.state.outbox.some((o) => confirmed.has(o.clientMsgId)) ? this.state.outbox.filter((o) => !confirmed.has(o.clientMsgId)) : this.state.outbox;
    this.set({ messages, inbox, outbox });
    if (outbox !== this.state.outbox) this.saveOutbox();
  }

  private applyReceipt({ conversationId, deviceId, lastReadSeq }: Omit<ReadReceipt, "unread">): void {
    const summary = this.state.inbox[conversationId];
    if (!summary) return;
    const next =
      deviceId === this.deviceId
        ? { ...summary, lastReadSeq: Math.max(summary.lastReadSeq, lastReadSeq) }
        : { ...summary, peerLastReadSeq: Math.max(summary.peerLastReadSeq, lastReadSeq) };
    this.set({ inbox: { ...this.state.inbox, [conversationId]: { ...next, unread: Math.max(0, next.lastSeq - next.lastReadSeq) } } });
  }

  private applyPresence({ deviceId, online, lastSeenAt }: PresenceChange): void {
    const inbox = { ...this.state.inbox };
    for (const [id, entry] of Object.entries(inbox)) {
      if (entry.peer.deviceId === deviceId) inbox[id] = { ...entry, peerOnline: online, peer: { ...entry.peer, lastSeenAt } };
    }
    this.set({ inbox });
  }

  private applyTyping({ conversationId, deviceId, isTyping }: TypingChange): void {
    if (deviceId === this.deviceId) return; // this side's own news, from another of its tabs
    if (!isTyping) return this.clearPeerTyping(conversationId);
    clearTimeout(this.peerTypingTimers.get(conversationId));
    this.peerTypingTimers.set(conversationId, setTimeout(() => this.clearPeerTyping(conversationId), TYPING_EXPIRY_MS));
    if (!this.state.peerTyping[conversationId]) this.set({ peerTyping: { ...this.state.peerTyping, [conversationId]: true } });
  }

  private clearPeerTyping(conversationId: string): void {
    clearTimeout(this.peerTypingTimers.get(conversationId));
    this.peerTypingTimers.delete(conversationId);
    if (!this.state.peerTyping[conversationId]) return;
    const { [conversationId]: _, ...rest } = this.state.peerTyping;
    this.set({ peerTyping: rest });
  }

  /** A visitor told us their name or email: the inbox calls them by it from now on (as the server's summaries do). */
  private applyVisitor({ deviceId, displayName }: VisitorProfile): void {
    const changed = Object.values(this.state.inbox).filter((entry) => entry.peer.deviceId === deviceId && entry.peer.label !== displayName);
    if (!changed.length) return;
    const inbox = { ...this.state.inbox };
    for (const entry of changed) inbox[entry.id] = { ...entry, peer: { ...entry.peer, label: displayName } };
    this.set({ inbox });
  }

  private applyStatus({ conversationId, status }: ConversationStatusChange): void {
    const summary = this.state.inbox[conversationId];
    if (summary && summary.status !== status) this.set({ inbox: { ...this.state.inbox, [conversationId]: { ...summary, status } } });
  }

  private async fetchSummary(conversationId: string): Promise<void> {
    try {
      const { conversation } = await this.request("conversation:get", { conversationId });
      this.set({ inbox: { ...this.state.inbox, [conversation.id]: conversation } });
    } catch {
      // retried by the next resync
    }
  }

  // --- plumbing ---
  private setHistory(conversationId: string, patch: Partial<HistoryState>): void {
    const current = this.state.history[conversationId] ?? { hasMore: false, loadingOlder: false };
    this.set({ history: { ...this.state.history, [conversationId]: { ...current, ...patch } } });
  }

  private lastSeqHeld(conversationId: string): number {
    return contiguousSeq(this.state.messages[conversationId] ?? []);
  }

  /** One request of the protocol, answered by its ack: the data, or an AckError with the error's code. */
  async request<E extends keyof ClientToServerEvents>(
    event: E,
    input: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<AckData<ClientToServerEvents[E]>> {
    if (!this.socket.connected) throw new AckError("DISCONNECTED", "not connected");
    let result: AckResult<AckData<ClientToServerEvents[E]>>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's typed emitWithAck cannot follow a generic event name
      result = await (this.socket.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(event, input);
    } catch {
      throw new AckError("TIMEOUT", "no answer from the server");
    }
    if (!result.ok) throw new AckError(result.error.code, result.error.message);
    return result.data;
  }

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private loadOutbox(): Outgoing[] {
    try {
      const saved = JSON.parse(clientStore().get(this.storageKey) ?? "[]") as Outgoing[];
      return saved.map((o) => ({ ...o, status: "sending" }));
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    const pending = this.state.outbox.filter((o) => o.status === "sending");
    try {
      if (pending.length) clientStore().set(this.storageKey, JSON.stringify(pending));
      else clientStore().remove(this.storageKey);
    } catch {
      // storage full or blocked (private mode): sending still works, only reload-survival is lost
    }
  }
}

type AckData<F> = F extends (input: never, ack: (result: AckResult<infer T>) => void) => void ? T : never;

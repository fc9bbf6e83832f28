// What the bench's orchestrator (run.ts) and its generator processes (worker.ts) say to each other over IPC.

/** How one client authenticates: Parley's visitor token or agent cookie, or the relay's room list. */
export type Credentials = { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> };

/** One visitor–agent pair: the visitor sends into the conversation, the agent's socket receives. */
export type Pair = { conversationId: string; visitor: Credentials; agent: Credentials };

/** `rate`: messages per second from all of this worker's visitors together, paced; "max": closed loop, `window` in flight per visitor. */
export type LoadSpec = { rate: number | "max"; window: number; durationMs: number; drainMs: number; ackTimeoutMs: number };

export type ToWorker =
  | { type: "connect-pairs"; visitorUrl: string; agentUrl: string; pairs: Pair[]; concurrency: number }
  | { type: "load"; spec: LoadSpec }
  | { type: "connect-idle"; url: string; visitors: { conversationId: string; credentials: Credentials }[]; concurrency: number }
  | { type: "fan-out"; url: string; sender: Credentials; conversationIds: string[]; window: number; ackTimeoutMs: number }
  /** Holders of idle sockets: report once every socket has had one message (or at the deadline). */
  | { type: "await-fan-out"; timeoutMs: number }
  | { type: "close" };

/** Counts of one load phase in one worker. */
export type LoadCounts = {
  sent: number;
  acked: number;
  /** Error acks that were not retriable, and acks that never came within ackTimeoutMs. */
  failed: number;
  /** Resends after a retriable error (UNAVAILABLE, RATE_LIMITED): nothing was stored, so the same clientMsgId goes again. */
  retried: number;
  /** Distinct messages that reached the agent. */
  delivered: number;
  /** Deliveries beyond the first of one message. */
  doubled: number;
};

export type FromWorker =
  | { type: "ready" }
  | { type: "connected"; count: number; startedAt: number; doneAt: number; failed: number; firstError?: string }
  | { type: "progress"; counts: LoadCounts }
  | { type: "load-done"; counts: LoadCounts; firstSendAt: number; lastDeliveryAt: number; latenciesMs: number[]; ackLatenciesMs: number[]; firstError?: string }
  | { type: "fan-out-sent"; acked: number; failed: number; startedAt: number; doneAt: number; firstError?: string }
  | { type: "fan-out-received"; received: number; doubled: number; lastAt: number; latenciesMs: number[] }
  | { type: "error"; message: string };

/** Wall-clock milliseconds with sub-millisecond precision, comparable across the bench's processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

// A generator process of the bench, forked by run.ts with an IPC channel. It holds socket.io-client
// sockets and does what it is told (bench/protocol.ts): connect visitor–agent pairs and drive a load
// phase through them, hold idle visitor sockets, or send one message into each of many conversations.
// It talks to Parley and to the relay alike: both answer `message:send` with `{ ok, data: { message } }`
// and emit `message:sent` to the rest of the room.
import { randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { now, type Credentials, type FromWorker, type LoadCounts, type LoadSpec, type Pair, type ToWorker } from "./protocol.ts";

type Sent = { conversationId: string; clientMsgId: string; body: string };
type SendAck = { ok: true; data: { message: Sent } } | { ok: false; error: { code: string; message: string; retriable?: boolean; retryAfterMs?: number } };

const CONNECT_TIMEOUT_MS = 30_000;
// About the size of a chat line; the same for every message so the relay and Parley carry the same text.
const BODY = "Hello, I have a question about my order, could you help me? ";

const post = (message: FromWorker) => process.send!(message);
const errorText = (err: unknown) => {
  const data = (err as { data?: { code?: string } }).data;
  return `${err instanceof Error ? err.message : String(err)}${data?.code ? ` (${data.code})` : ""}`;
};

/** A connected socket, or a rejection: refused, closed by the server before "connect" (an oversized handshake), or too slow. */
function connectOne(url: string, credentials: Credentials): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: CONNECT_TIMEOUT_MS, ...credentials });
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      done();
      socket.close();
      reject(err);
    };
    const onClose = (reason: string) => fail(new Error(`connection closed before connect: ${reason}`));
    const timer = setTimeout(() => fail(new Error(`no connect within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      socket.io.off("close", onClose);
      socket.off("connect_error", fail);
    };
    socket.io.once("close", onClose);
    socket.once("connect_error", fail);
    socket.once("connect", () => {
      done();
      resolve(socket);
    });
  });
}

/** Opens every socket, at most `concurrency` handshakes at a time; reports when all are up. */
async function connectAll<T>(items: T[], concurrency: number, open: (item: T) => Promise<Socket>): Promise<(Socket | undefined)[]> {
  const sockets: (Socket | undefined)[] = new Array(items.length);
  const startedAt = now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        sockets[index] = await open(items[index]!);
      } catch (err) {
        failed++;
        firstError ??= errorText(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  post({ type: "connected", count: items.length - failed, startedAt, doneAt: now(), failed, firstError });
  return sockets;
}

// ---------------------------------------------------------------------------------------------------------
// Pairs under load

type Connected = { pair: Pair; visitor: Socket; agent: Socket };
let pairs: Connected[] = [];

async function connectPairs(visitorUrl: string, agentUrl: string, list: Pair[], concurrency: number): Promise<void> {
  const sockets = await connectAll(
    list.flatMap((pair) => [
      { url: agentUrl, credentials: pair.agent },
      { url: visitorUrl, credentials: pair.visitor },
    ]),
    concurrency,
    ({ url, credentials }) => connectOne(url, credentials),
  );
  pairs = list.flatMap((pair, i) => {
    const agent = sockets[2 * i];
    const visitor = sockets[2 * i + 1];
    return agent && visitor ? [{ pair, visitor, agent }] : [];
  });
}

async function runLoad(spec: LoadSpec): Promise<void> {
  const counts: LoadCounts = { sent: 0, acked: 0, failed: 0, retried: 0, delivered: 0, doubled: 0 };
  const sentAt = new Map<string, number>();
  const delivered = new Set<string>();
  const latenciesMs: number[] = [];
  const ackLatenciesMs: number[] = [];
  let firstError: string | undefined;
  let settled = 0; // acked or failed
  let firstSendAt = 0;
  let lastDeliveryAt = 0;
  let running = true;

  const onDelivery = (message: Sent) => {
    const at = sentAt.get(message.clientMsgId);
    if (at === undefined) return; // a straggler of an earlier phase
    if (delivered.has(message.clientMsgId)) return void counts.doubled++;
    delivered.add(message.clientMsgId);
    counts.delivered++;
    lastDeliveryAt = now();
    latenciesMs.push(lastDeliveryAt - at);
  };
  for (const { agent } of pairs) agent.on("message:sent", onDelivery);

  const send = (target: Connected, clientMsgId = randomUUID()) => {
    if (!sentAt.has(clientMsgId)) {
      const at = now();
      firstSendAt ||= at;
      sentAt.set(clientMsgId, at);
      counts.sent++;
    }
    const payload: Sent = { conversationId: target.pair.conversationId, clientMsgId, body: BODY };
    target.visitor.timeout(spec.ackTimeoutMs).emit("message:send", payload, (err: Error | null, result?: SendAck) => {
      if (!err && result && !result.ok && result.error.retriable) {
        counts.retried++;
        return void setTimeout(() => send(target, clientMsgId), result.error.retryAfterMs ?? 20);
      }
      settled++;
      if (!err && result?.ok) {
        counts.acked++;
        ackLatenciesMs.push(now() - sentAt.get(clientMsgId)!);
      } else {
        counts.failed++;
        firstError ??= err ? `no ack within ${spec.ackTimeoutMs} ms` : `${result && !result.ok ? `${result.error.code}: ${result.error.message}` : "empty ack"}`;
      }
      if (spec.rate === "max" && running) send(target);
    });
  };

  const startedAt = now();
  const endsAt = startedAt + spec.durationMs;
  const progress = setInterval(() => post({ type: "progress", counts: { ...counts } }), 500);
  if (spec.rate === "max") {
    for (const target of pairs) for (let i = 0; i < spec.window; i++) send(target);
    await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  } else {
    const rate = spec.rate;
    let issued = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const at = now();
        const due = Math.min(Math.floor((rate * (at - startedAt)) / 1000), Math.floor((rate * spec.durationMs) / 1000));
        while (issued < due) send(pairs[issued++ % pairs.length]!);
        if (at >= endsAt) return resolve();
        setTimeout(tick, 1);
      };
      tick();
    });
  }
  running = false;

  // Drain: every message answered, every acked one delivered, or the deadline.
  const drainEnds = now() + spec.drainMs;
  while (now() < drainEnds && (settled < counts.sent || counts.delivered < counts.acked)) await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(progress);
  for (const { agent } of pairs) agent.off("message:sent", onDelivery);
  post({ type: "load-done", counts, firstSendAt, lastDeliveryAt, latenciesMs, ackLatenciesMs, firstError });
}

// ---------------------------------------------------------------------------------------------------------
// Idle sockets and one message to each

let idle: (Socket | undefined)[] = [];
let idleConnected = 0;
let idleReceived = 0;
let idleDoubled = 0;
let idleLastAt = 0;
const idleLatenciesMs: number[] = [];
let idleWaiter: (() => void) | undefined;

async function connectIdle(url: string, visitors: { conversationId: string; credentials: Credentials }[], concurrency: number): Promise<void> {
  idle = await connectAll(visitors, concurrency, async ({ credentials }) => {
    const socket = await connectOne(url, credentials);
    let seen = false;
    socket.on("message:sent", (message: Sent) => {
      if (seen) return void idleDoubled++;
      seen = true;
      idleReceived++;
      idleLastAt = now();
      idleLatenciesMs.push(idleLastAt - Number(message.body.split(" ")[1]));
      if (idleReceived === idleConnected) idleWaiter?.();
    });
    return socket;
  });
  idleConnected = idle.filter(Boolean).length;
}

async function awaitFanOut(timeoutMs: number): Promise<void> {
  if (idleReceived < idleConnected) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      idleWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  post({ type: "fan-out-received", received: idleReceived, doubled: idleDoubled, lastAt: idleLastAt, latenciesMs: idleLatenciesMs });
}

let sender: Socket | undefined;

async function fanOut(url: string, credentials: Credentials, conversationIds: string[], window: number, ackTimeoutMs: number): Promise<void> {
  sender = await connectOne(url, credentials);
  const startedAt = now();
  let next = 0;
  let acked = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < conversationIds.length) {
      const conversationId = conversationIds[next++]!;
      try {
        const result = (await sender!.timeout(ackTimeoutMs).emitWithAck("message:send", { conversationId, clientMsgId: randomUUID(), body: `fan-out ${now()}` })) as SendAck;
        if (result.ok) acked++;
        else {
          failed++;
          firstError ??= `${result.error.code}: ${result.error.message}`;
        }
      } catch (err) {
        failed++;
        firstError ??= errorText(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, conversationIds.length) }, lane));
  post({ type: "fan-out-sent", acked, failed, startedAt, doneAt: now(), firstError });
}

function closeEverything(): void {
  for (const { visitor, agent } of pairs) {
    visitor.close();
    agent.close();
  }
  for (const socket of idle) socket?.close();
  sender?.close();
  process.exit(0);
}

process.on("message", (message: ToWorker) => {
  const handle = async () => {
    switch (message.type) {
      case "connect-pairs":
        return connectPairs(message.visitorUrl, message.agentUrl, message.pairs, message.concurrency);
      case "load":
        return runLoad(message.spec);
      case "connect-idle":
        return connectIdle(message.url, message.visitors, message.concurrency);
      case "await-fan-out":
        return awaitFanOut(message.timeoutMs);
      case "fan-out":
        return fanOut(message.url, message.sender, message.conversationIds, message.window, message.ackTimeoutMs);
      case "close":
        return closeEverything();
    }
  };
  handle().catch((err: unknown) => post({ type: "error", message: errorText(err) }));
});
process.on("disconnect", () => process.exit(0)); // the orchestrator is gone: nothing left to report to
post({ type: "ready" });

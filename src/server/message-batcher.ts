import pg from "pg";
import type { Actor } from "../core/actor.ts";
import type { Db } from "../core/db.ts";
import { toMessageView } from "../core/messages/message-view.ts";
import { sendMessageChecked, type SendMessageInput, type SendResult } from "../core/messages/send-message.ts";
import { storeTextMessages, type BatchItem, type RunStatement } from "../core/messages/store-messages.ts";
import type { Logger } from "./log.ts";

type Pending = BatchItem & { key: string; resolve: (result: SendResult) => void; reject: (err: unknown) => void };

export type BatcherOptions = {
  /** The most messages one statement stores. */
  maxBatch?: number;
  /**
   * Writers: every conversation belongs to one lane (by its ID), and each lane has one statement in flight at
   * a time, so lanes write disjoint sets of conversations and never wait on each other's row locks.
   */
  lanes?: number;
  /**
   * The database, for connections of the batcher's own (one per lane) on which the statement is prepared
   * once. Without it, the statement goes through Prisma and is planned on every batch.
   */
  connectionString?: string;
  /** Where a statement that failed is reported (its messages are then answered one by one). */
  log?: Logger;
};

// Prisma reads "timestamp without time zone" columns as UTC; pg would read them as local time.
const TIMESTAMP = 1114;
const asUtc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
const types = { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === TIMESTAMP && format !== "binary" ? asUtc : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig;

/** One writer: its own queue, and at most one statement in flight. */
type Lane = { queue: Pending[]; busy: boolean; scheduled: boolean };

/**
 * Group commit for message:send, one per process and database. Each conversation belongs to one lane. A
 * message is written at once when its lane has no statement in flight (after the current turn of the event
 * loop, so messages that arrived together go together); while one is in flight, arriving messages queue and
 * the lane's next statement writes them all (storeTextMessages): the busier the node, the larger the
 * batches, and a lone message waits for nothing. Each promise settles only after the statement that stored
 * its message committed, so an ok ack still means stored. A message the batch left out (a replay,
 * NOT_FOUND, BLOCKED, ...) and every message of a batch whose statement failed take the single-message path,
 * which answers each with its own result: one bad message never fails its neighbours, and a database that is
 * down fails each of them as it would have alone (UNAVAILABLE, retriable). Uploads take the single-message
 * path directly. A conversation's messages keep their arrival order: one lane, one statement at a time.
 */
export class MessageBatcher {
  private readonly lanes: Lane[];
  private readonly maxBatch: number;
  /** Statements run and messages they stored since the start, and the most lanes that had one in flight at once. */
  readonly stats = { statements: 0, stored: 0, peakBusyLanes: 0 };
  private readonly pool?: pg.Pool;
  private readonly run?: RunStatement;
  private readonly log?: Logger;

  constructor(
    private readonly db: Db,
    { maxBatch = 256, lanes = 2, connectionString, log }: BatcherOptions = {},
  ) {
    this.maxBatch = maxBatch;
    this.log = log;
    this.lanes = Array.from({ length: Math.max(1, lanes) }, () => ({ queue: [], busy: false, scheduled: false }));
    if (connectionString) {
      const pool = new pg.Pool({ connectionString, max: this.lanes.length, types });
      pool.on("error", () => undefined); // an idle connection that drops: the next statement opens another, or fails its batch
      this.pool = pool;
      this.run = async (text, values) => (await pool.query({ name: "parley-store-batch", text, values })).rows;
    }
  }

  /** Closes the batcher's own connections, once the sends under way are answered. */
  async close(): Promise<void> {
    await this.pool?.end();
  }

  send(input: SendMessageInput, actor: Actor, requestIp?: string): Promise<SendResult> {
    if (input.uploadId) return sendMessageChecked(this.db, input, actor, requestIp);
    const lane = this.lanes[laneOf(input.conversationId, this.lanes.length)]!;
    return new Promise((resolve, reject) => {
      lane.queue.push({ input, actor, requestIp, key: `${actor.deviceId}/${input.clientMsgId.toLowerCase()}`, resolve, reject });
      this.schedule(lane);
    });
  }

  private schedule(lane: Lane): void {
    if (lane.scheduled || lane.busy || !lane.queue.length) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      if (!lane.busy && lane.queue.length) this.start(lane, this.take(lane));
    });
  }

  /** The lane's next batch in arrival order; a second message with the same (sender, clientMsgId) waits for the next one. */
  private take(lane: Lane): Pending[] {
    const batch: Pending[] = [];
    const keys = new Set<string>();
    const rest: Pending[] = [];
    for (const item of lane.queue.splice(0)) {
      if (batch.length < this.maxBatch && !keys.has(item.key)) {
        keys.add(item.key);
        batch.push(item);
      } else rest.push(item);
    }
    lane.queue.push(...rest);
    return batch;
  }

  private start(lane: Lane, batch: Pending[]): void {
    lane.busy = true;
    this.stats.peakBusyLanes = Math.max(this.stats.peakBusyLanes, this.lanes.filter((other) => other.busy).length);
    void this.write(batch).finally(() => {
      lane.busy = false;
      this.schedule(lane);
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    let rows: Awaited<ReturnType<typeof storeTextMessages>>;
    try {
      this.stats.statements++;
      rows = await storeTextMessages(this.db, batch, this.run);
      this.stats.stored += rows.filter(Boolean).length;
    } catch (err) {
      // Nothing of the batch was stored (one statement). Each message alone gets its own answer.
      this.log?.warn({ err, messages: batch.length }, "batch statement failed; storing its messages one by one");
      rows = batch.map(() => null);
    }
    // The lane is free again once the statement is done: answering what it left out (a replay, a refusal)
    // takes the single-message path without holding up the next batch.
    batch.forEach((item, i) => {
      const row = rows[i];
      if (row) item.resolve({ message: toMessageView({ ...row, upload: null }), isReplay: false });
      else sendMessageChecked(this.db, item.input, item.actor, item.requestIp).then(item.resolve, item.reject);
    });
  }
}

/** The lane of a conversation: FNV-1a of its ID, so any ID spreads evenly. */
export function laneOf(conversationId: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) hash = Math.imul(hash ^ conversationId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

const batchers = new WeakMap<Db, MessageBatcher>();

/** Makes this the batcher of the process for this database (createApp does, with its own connections). */
export function useBatcher(db: Db, batcher: MessageBatcher): MessageBatcher {
  batchers.set(db, batcher);
  return batcher;
}

/**
 * The process's batcher for this database; if none was set, one writer through Prisma (no connections of its
 * own), which suits any database, the embedded one included.
 */
export function batcherFor(db: Db): MessageBatcher {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new MessageBatcher(db, { lanes: 1 })));
  return batcher;
}

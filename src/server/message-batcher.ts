import pg from "pg";
import type { Actor } from "../core/actor.ts";
import type { Db } from "../core/db.ts";
import { toMessageView } from "../core/messages/message-view.ts";
import { sendMessageChecked, type SendMessageInput, type SendResult } from "../core/messages/send-message.ts";
import { storeTextMessages, type BatchItem, type RunStatement } from "../core/messages/store-messages.ts";

type Pending = BatchItem & { key: string; resolve: (result: SendResult) => void; reject: (err: unknown) => void };

export type BatcherOptions = {
  /** The most messages one statement stores. */
  maxBatch?: number;
  /** Statements in flight at once; messages arriving meanwhile wait and go together in the next one. */
  maxInFlight?: number;
  /**
   * The database, for connections of the batcher's own (one per statement in flight) on which the statement
   * is prepared once. Without it, the statement goes through Prisma and is planned on every batch.
   */
  connectionString?: string;
};

// Prisma reads "timestamp without time zone" columns as UTC; pg would read them as local time.
const TIMESTAMP = 1114;
const asUtc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
const types = { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === TIMESTAMP && format !== "binary" ? asUtc : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig;

/**
 * Group commit for message:send, one per process and database. A message is written at once when no
 * statement is in flight (after the current turn of the event loop, so messages that arrived together go
 * together); while statements are in flight, arriving messages queue and the next free slot writes them all
 * in one statement (storeTextMessages): the busier the node, the larger the batches, and a lone message
 * waits for nothing. Each promise settles only after the statement that stored its message committed, so an
 * ok ack still means stored. A message the batch left out (a replay, NOT_FOUND, BLOCKED, ...) and every
 * message of a batch whose statement failed take the single-message path, which answers each with its own
 * result: one bad message never fails its neighbours, and a database that is down fails each of them as it
 * would have alone (UNAVAILABLE, retriable). Uploads take the single-message path directly.
 */
export class MessageBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  /** Statements run and messages they stored, since the start. */
  readonly stats = { statements: 0, stored: 0 };
  private readonly pool?: pg.Pool;
  private readonly run?: RunStatement;

  constructor(
    private readonly db: Db,
    { maxBatch = 256, maxInFlight = 1, connectionString }: BatcherOptions = {},
  ) {
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    if (connectionString) {
      const pool = new pg.Pool({ connectionString, max: maxInFlight, types });
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
    return new Promise((resolve, reject) => {
      this.queue.push({ input, actor, requestIp, key: `${actor.deviceId}/${input.clientMsgId.toLowerCase()}`, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length) this.start(this.take());
    });
  }

  /** The next batch in arrival order; a second message with the same (sender, clientMsgId) waits for the next one. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const keys = new Set<string>();
    const rest: Pending[] = [];
    for (const item of this.queue.splice(0)) {
      if (batch.length < this.maxBatch && !keys.has(item.key)) {
        keys.add(item.key);
        batch.push(item);
      } else rest.push(item);
    }
    this.queue.push(...rest);
    return batch;
  }

  private start(batch: Pending[]): void {
    this.inFlight++;
    void this.write(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    let rows: Awaited<ReturnType<typeof storeTextMessages>>;
    try {
      this.stats.statements++;
      rows = await storeTextMessages(this.db, batch, this.run);
      this.stats.stored += rows.filter(Boolean).length;
    } catch {
      // Nothing of the batch was stored (one statement). Each message alone gets its own answer.
      rows = batch.map(() => null);
    }
    // The slot is free again once the statement is done: answering what it left out (a replay, a refusal)
    // takes the single-message path without holding up the next batch.
    batch.forEach((item, i) => {
      const row = rows[i];
      if (row) item.resolve({ message: toMessageView({ ...row, upload: null }), isReplay: false });
      else sendMessageChecked(this.db, item.input, item.actor, item.requestIp).then(item.resolve, item.reject);
    });
  }
}

const batchers = new WeakMap<Db, MessageBatcher>();

/** Makes this the batcher of the process for this database (createApp does, with its own connections). */
export function useBatcher(db: Db, batcher: MessageBatcher): MessageBatcher {
  batchers.set(db, batcher);
  return batcher;
}

/** The process's batcher for this database (one without connections of its own, if none was set). */
export function batcherFor(db: Db): MessageBatcher {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new MessageBatcher(db)));
  return batcher;
}

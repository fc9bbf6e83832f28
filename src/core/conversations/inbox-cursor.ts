import { z } from "zod";

/**
 * Where an inbox page ends: the last row's (lastMessageAt, id), the keyset the list is ordered by.
 * Opaque to clients (base64url). The time travels as whole milliseconds since the epoch, the column's
 * own precision, so it compares exactly and never passes through a time zone.
 */
type InboxCursor = { atMs: bigint; id: string };

const SHAPE = /^(\d{1,15})\.([0-9a-f]{64})$/;

export const encodeInboxCursor = ({ atMs, id }: InboxCursor): string => Buffer.from(`${atMs}.${id}`).toString("base64url");

export const inboxCursorSchema = z
  .string()
  .max(200)
  .transform((raw, ctx): InboxCursor => {
    const match = SHAPE.exec(Buffer.from(raw, "base64url").toString("utf8"));
    if (!match) {
      ctx.addIssue({ code: "custom", message: "not a cursor from a previous page" });
      return z.NEVER;
    }
    return { atMs: BigInt(match[1]!), id: match[2]! };
  });

/** `text` as a literal inside an ILIKE … ESCAPE '\' pattern: its %, _ and \ match themselves. */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

import { z } from "zod";
import { toWireError } from "../reply.ts";
import type { SocketCtx } from "./types.ts";

/**
 * The only place that parses, catches, logs and acks. A handler's promise never rejects into
 * socket.io: every failure becomes an error ack with a stable code.
 */
export const defineHandler =
  <S extends z.ZodType, T>(schema: S, run: (input: z.infer<S>, ctx: SocketCtx) => Promise<T>) =>
  (ctx: SocketCtx) =>
  async (...args: unknown[]): Promise<void> => {
    // An event with no input arrives as just the ack; one with `undefined` input arrives as null.
    const [payload, ack] = typeof args[0] === "function" ? [undefined, args[0]] : [args[0] ?? undefined, args[1]];
    // Our clients always ask for an ack; an emit without one is not from a client that follows the protocol.
    if (typeof ack !== "function") return void ctx.log.debug("event without ack ignored");
    // A payload is a JSON object (docs/protocol.md §6). A binary one (socket.io carries typed arrays and Buffers)
    // would reach the schema as an object whose methods (`filter`, `map`, …) read as fields: refused outright.
    if (payload instanceof ArrayBuffer || ArrayBuffer.isView(payload)) return ack({ ok: false, error: { code: "BAD_INPUT", message: "the payload must be a JSON object, not binary data" } });
    const input = schema.safeParse(payload);
    if (!input.success) return ack({ ok: false, error: { code: "BAD_INPUT", message: z.prettifyError(input.error) } });
    try {
      ack({ ok: true, data: await ctx.inflight.track(run(input.data, ctx)) });
    } catch (err) {
      ack({ ok: false, error: toWireError(err, ctx.log) });
    }
  };

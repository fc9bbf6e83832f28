// The goim wire frame (docs/golang-im.md): a 16-byte big-endian header, then the body.
//   int32 package length (header + body) · int16 header length (16) · int16 version · int32 operation · int32 sequence

export const HEADER_LENGTH = 16;
export const MAX_BODY_BYTES = 4096;
/** The version the server writes; clients send 1, and any version is accepted from them. */
export const SERVER_VERSION = 2;

export const OP = {
  HEARTBEAT: 2,
  HEARTBEAT_REPLY: 3,
  SEND: 4,
  PUSH: 5,
  /** Parley: sent just before the server closes the connection, with `{code, message}` saying why. */
  DISCONNECT: 6,
  AUTH: 7,
  AUTH_REPLY: 8,
  /** Several frames concatenated in one body; the server never sends it, clients may expect it. */
  RAW: 9,
  CHANGE_ROOM: 12,
  CHANGE_ROOM_REPLY: 13,
  SUBSCRIBE: 14,
  SUBSCRIBE_REPLY: 15,
  UNSUBSCRIBE: 16,
  UNSUBSCRIBE_REPLY: 17,
  SYNC: 18,
  SYNC_REPLY: 19,
  ACK: 20,
  ACK_REPLY: 21,
  /** Parley: a request was refused; body `{code, message, op}`, seq echoed. The connection stays open. */
  ERROR: 22,
  /** Parley: store a message from this connection (body `{type, msg, client_msg_id?}`), reply 24 with it. */
  SEND_STORED: 23,
  SEND_STORED_REPLY: 24,
} as const;

export type Frame = { version: number; op: number; seq: number; body: Buffer };

/** Why bytes are not a frame. After one of these a TCP stream cannot be resynchronised: the connection ends. */
export class FrameError extends Error {
  override readonly name = "FrameError";
}

const utf8 = (body: Buffer | string | undefined): Buffer => (body === undefined ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body, "utf8") : body);

/** One frame as bytes; the server writes version 2 unless told otherwise. */
export function encodeFrame({ op, seq = 0, body, version = SERVER_VERSION }: { op: number; seq?: number; body?: Buffer | string; version?: number }): Buffer {
  const payload = utf8(body);
  const frame = Buffer.alloc(HEADER_LENGTH + payload.length);
  frame.writeInt32BE(HEADER_LENGTH + payload.length, 0);
  frame.writeInt16BE(HEADER_LENGTH, 4);
  frame.writeInt16BE(version, 6);
  frame.writeInt32BE(op, 8);
  frame.writeInt32BE(seq, 12);
  payload.copy(frame, HEADER_LENGTH);
  return frame;
}

/** The body length a header announces, checked before any of the body is read (so a huge claim is never buffered). */
function bodyLengthOf(header: Buffer): number {
  const packageLength = header.readInt32BE(0);
  const headerLength = header.readInt16BE(4);
  if (headerLength !== HEADER_LENGTH) throw new FrameError(`header length must be ${HEADER_LENGTH}, got ${headerLength}`);
  if (packageLength < HEADER_LENGTH) throw new FrameError(`package length ${packageLength} is shorter than the header`);
  const bodyLength = packageLength - HEADER_LENGTH;
  if (bodyLength > MAX_BODY_BYTES) throw new FrameError(`body of ${bodyLength} bytes is over the limit of ${MAX_BODY_BYTES}`);
  return bodyLength;
}

const frameAt = (bytes: Buffer, offset: number, bodyLength: number): Frame => ({
  version: bytes.readInt16BE(offset + 6),
  op: bytes.readInt32BE(offset + 8),
  seq: bytes.readInt32BE(offset + 12),
  body: Buffer.from(bytes.subarray(offset + HEADER_LENGTH, offset + HEADER_LENGTH + bodyLength)), // a copy: the caller's buffer is reused
});

/** Exactly one frame (a WebSocket message): anything shorter, longer or malformed is a FrameError. */
export function decodeFrame(bytes: Buffer): Frame {
  if (bytes.length < HEADER_LENGTH) throw new FrameError(`a frame is at least ${HEADER_LENGTH} bytes, got ${bytes.length}`);
  const bodyLength = bodyLengthOf(bytes);
  if (bytes.length !== HEADER_LENGTH + bodyLength) throw new FrameError(`package length says ${HEADER_LENGTH + bodyLength} bytes, the message has ${bytes.length}`);
  return frameAt(bytes, 0, bodyLength);
}

/**
 * Cuts a TCP byte stream into frames: a frame may arrive split over several reads, and one read may hold
 * several frames. `push` returns the frames completed so far; a malformed header throws FrameError.
 */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_LENGTH) {
      const bodyLength = bodyLengthOf(this.pending.subarray(offset, offset + HEADER_LENGTH));
      if (this.pending.length - offset < HEADER_LENGTH + bodyLength) break; // the rest of this frame is still on its way
      frames.push(frameAt(this.pending, offset, bodyLength));
      offset += HEADER_LENGTH + bodyLength;
    }
    // Keep only the unfinished tail (copied, so the chunk it came from can be freed).
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** Bytes of an unfinished frame held so far. */
  get buffered(): number {
    return this.pending.length;
  }
}

import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FrameError, FrameSplitter, HEADER_LENGTH, MAX_BODY_BYTES } from "../../src/server/goim/frame.ts";

/** A header written by hand from the table, so the codec is checked against the format and not against itself. */
function rawHeader({ packageLength, headerLength = 16, version = 1, op, seq }: { packageLength: number; headerLength?: number; version?: number; op: number; seq: number }): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32BE(packageLength, 0);
  header.writeInt16BE(headerLength, 4);
  header.writeInt16BE(version, 6);
  header.writeInt32BE(op, 8);
  header.writeInt32BE(seq, 12);
  return header;
}

describe("encodeFrame", () => {
  it("writes the 16-byte big-endian header with version 2, then the UTF-8 body", () => {
    const frame = encodeFrame({ op: 8, seq: 222, body: "ok" });
    expect([...frame]).toEqual([...rawHeader({ packageLength: 18, version: 2, op: 8, seq: 222 }), ...Buffer.from("ok")]);
  });

  it("writes a frame without body as the header alone", () => {
    expect(encodeFrame({ op: 3, seq: 1 })).toEqual(rawHeader({ packageLength: 16, version: 2, op: 3, seq: 1 }));
  });
});

describe("decodeFrame", () => {
  it("reads what a golang-im client sends", () => {
    const bytes = Buffer.concat([rawHeader({ packageLength: 16 + 5, op: 14, seq: 1 }), Buffer.from("room1")]);
    expect(decodeFrame(bytes)).toEqual({ version: 1, op: 14, seq: 1, body: Buffer.from("room1") });
  });

  it("refuses a header length other than 16", () => {
    expect(() => decodeFrame(rawHeader({ packageLength: 16, headerLength: 20, op: 2, seq: 1 }))).toThrow(FrameError);
  });

  it("refuses a body over 4,096 bytes", () => {
    const bytes = Buffer.concat([rawHeader({ packageLength: 16 + MAX_BODY_BYTES + 1, op: 4, seq: 1 }), Buffer.alloc(MAX_BODY_BYTES + 1)]);
    expect(() => decodeFrame(bytes)).toThrow(/over the limit/);
  });

  it("takes a body of exactly 4,096 bytes", () => {
    expect(decodeFrame(encodeFrame({ op: 4, body: Buffer.alloc(MAX_BODY_BYTES, 0x61) })).body.length).toBe(MAX_BODY_BYTES);
  });

  it("refuses a package length shorter than the header, and bytes that disagree with the package length", () => {
    expect(() => decodeFrame(rawHeader({ packageLength: 3, op: 2, seq: 1 }))).toThrow(FrameError);
    expect(() => decodeFrame(Buffer.concat([rawHeader({ packageLength: 20, op: 2, seq: 1 }), Buffer.from("ab")]))).toThrow(FrameError);
    expect(() => decodeFrame(Buffer.from("hello"))).toThrow(FrameError);
  });
});

describe("FrameSplitter", () => {
  const a = encodeFrame({ op: 7, seq: 1, body: '{"token":"x"}', version: 1 });
  const b = encodeFrame({ op: 2, seq: 2, version: 1 });
  const c = encodeFrame({ op: 14, seq: 3, body: "room", version: 1 });

  it("returns every frame of a read that holds several", () => {
    const frames = new FrameSplitter().push(Buffer.concat([a, b, c]));
    expect(frames.map((frame) => [frame.op, frame.seq, frame.body.toString()])).toEqual([
      [7, 1, '{"token":"x"}'],
      [2, 2, ""],
      [14, 3, "room"],
    ]);
  });

  it("puts together frames split across reads at every possible byte", () => {
    const stream = Buffer.concat([a, b, c]);
    for (let cut = 1; cut < stream.length; cut++) {
      const splitter = new FrameSplitter();
      const frames = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      expect(frames.map((frame) => frame.op)).toEqual([7, 2, 14]);
      expect(splitter.buffered).toBe(0);
    }
  });

  it("puts together a stream that arrives one byte at a time", () => {
    const splitter = new FrameSplitter();
    const stream = Buffer.concat([a, c]);
    const frames = [...stream].flatMap((byte) => splitter.push(Buffer.from([byte])));
    expect(frames.map((frame) => frame.body.toString())).toEqual(['{"token":"x"}', "room"]);
  });

  it("refuses an oversized frame as soon as its header is in, before its body", () => {
    const splitter = new FrameSplitter();
    expect(() => splitter.push(rawHeader({ packageLength: 1 << 30, op: 4, seq: 1 }))).toThrow(FrameError);
  });

  it("refuses a wrong header length in the middle of a stream", () => {
    expect(() => new FrameSplitter().push(Buffer.concat([a, rawHeader({ packageLength: HEADER_LENGTH, headerLength: 12, op: 2, seq: 1 })]))).toThrow(/header length/);
  });
});

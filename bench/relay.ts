// The floor Parley is measured against: a bare relay on the same Socket.IO (and, with --redis, the same
// @socket.io/redis-adapter) that Parley runs on. It speaks the part of Parley's protocol the bench uses
// (`message:send` with an ack, `message:sent` to the rest of the room) and nothing else: no storage, no
// authentication, no validation. A socket joins the rooms its handshake names (`auth.rooms`).
//
//   node --import tsx bench/relay.ts --port 4000 [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
//
// GET /api/health answers 200 once it listens, as Parley's does, so the bench waits on both alike.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";

type Relayed = { conversationId: string; clientMsgId: string; body: string };
type Ack = (result: { ok: true; data: { message: Relayed } }) => void;

const { values } = parseArgs({ options: { port: { type: "string", default: "4000" }, host: { type: "string", default: "127.0.0.1" }, redis: { type: "string" } } });

const httpServer = createServer((req, res) => {
  if (req.url === "/api/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  res.writeHead(404).end();
});
// The options that change a socket's cost are Parley's: the same path, payload cap and no served client.
const io = new Server(httpServer, { path: "/socket.io/", maxHttpBufferSize: 64 * 1024, serveClient: false });

if (values.redis) {
  const pub = createClient({ url: values.redis });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on("connection", (socket) => {
  const wanted: unknown = socket.handshake.auth.rooms;
  if (Array.isArray(wanted)) socket.join(wanted.filter((room): room is string => typeof room === "string"));
  socket.on("message:send", (message: Relayed, ack: Ack) => {
    socket.to(message.conversationId).emit("message:sent", message);
    ack({ ok: true, data: { message } });
  });
});

const stop = () => {
  void io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

httpServer.listen(Number(values.port), values.host, () => process.stdout.write(`relay listening on ${values.host}:${values.port}${values.redis ? ` over ${values.redis}` : ""}\n`));

// Preloaded into every server the bench starts (`node --expose-gc --import tsx --import ./bench/probe.ts …`),
// with an IPC channel: on request it collects garbage and reports process.memoryUsage(), so memory per
// socket is measured on live objects, not on whatever garbage the last GC left. It changes nothing else.
process.on("message", (request: unknown) => {
  if ((request as { type?: string } | null)?.type !== "memory") return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.(); // a second pass frees what the first only unlinked (weak references, finalizers)
  process.send?.({ type: "memory", collected: Boolean(gc), ...process.memoryUsage() });
});
// The IPC channel must not keep a server alive after it was told to stop.
process.channel?.unref();

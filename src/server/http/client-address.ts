import type { IncomingMessage } from "node:http";

/**
 * The request header through which the custom server tells the Next.js half the client's address (for the
 * sign-in and sign-up limits). Set on every request it hands to Next.js, replacing any the client sent.
 */
export const CLIENT_ADDRESS_HEADER = "x-parley-client-address";

/** The client's address: the connection's, or behind a trusted balancer the first hop it reports. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  // Only when told: anyone can send the header, and believing it from a direct client would let it pick its own IP.
  return trustProxy && first ? first : req.socket.remoteAddress;
}

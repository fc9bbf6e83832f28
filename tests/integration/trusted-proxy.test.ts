import { describe, expect, it } from "vitest";
import { seedAgent, useServer, type ServerUnderTest } from "./support.ts";

const direct = useServer();
const proxied = useServer({ TRUST_PROXY: true });

/** Identifies a new visitor with a forged-looking X-Forwarded-For and returns the address recorded for it. */
async function recordedAddress(server: ServerUnderTest): Promise<string | null> {
  const agent = await seedAgent(server.db);
  const response = await fetch(new URL("/api/visitors", server.url), {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7, 10.0.0.2" },
    body: JSON.stringify({ agentId: agent.deviceId }),
  });
  const { data } = (await response.json()) as { data: { visitor: { deviceId: string } } };
  return (await server.db.device.findUniqueOrThrow({ where: { id: data.visitor.deviceId } })).ip;
}

describe("the visitor's recorded address", () => {
  it("is the connection's own unless told there is a trusted proxy, so a client cannot choose its address", async () => {
    expect(await recordedAddress(direct.server)).toMatch(/127\.0\.0\.1|::1/);
  });

  it("is the first X-Forwarded-For hop behind a trusted proxy", async () => {
    expect(await recordedAddress(proxied.server)).toBe("203.0.113.7");
  });
});

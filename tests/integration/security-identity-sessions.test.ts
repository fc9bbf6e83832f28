import { describe, expect, it } from "vitest";
import { ACK_TIMEOUT_MS, connectAgent, connectError, seedAgent, useServer, waitFor } from "./support.ts";

// Rechecked every 50 ms here; 60 s by default.
const { server, track } = useServer({ AGENT_SESSION_RECHECK_MS: 50 });

describe("the periodic recheck of live agent sockets", () => {
  it("cuts the sockets of a session whose row an administrator deleted in the database, and only those", async () => {
    const [gone, stays] = await Promise.all([seedAgent(server.db, "Gone"), seedAgent(server.db, "Stays")]);
    const [goneTab, staysTab] = await Promise.all([connectAgent(server.url, gone.cookie), connectAgent(server.url, stays.cookie)]);
    track(goneTab, staysTab);
    const cut = waitFor<string>(goneTab, "disconnect");
    await server.db.session.deleteMany({ where: { sessionToken: gone.sessionToken } }); // no sign-out, no event: a bare DELETE
    expect(await cut).toBe("io server disconnect");
    // Rechecks kept running meanwhile; the other agent is still connected and served.
    expect(staysTab.connected).toBe(true);
    expect(await staysTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", {})).toMatchObject({ ok: true });
    expect((await connectError(server.url, { extraHeaders: { cookie: gone.cookie } })).data?.code).toBe("UNAUTHENTICATED");
  });

  it("cuts the sockets of a session that expired while they were connected", async () => {
    const agent = await seedAgent(server.db);
    const tab = await connectAgent(server.url, agent.cookie);
    track(tab);
    const cut = waitFor<string>(tab, "disconnect");
    await server.db.session.update({ where: { sessionToken: agent.sessionToken }, data: { expires: new Date(Date.now() - 1000) } });
    expect(await cut).toBe("io server disconnect");
  });
});

import type { DeviceId } from "./ids.ts";

/** A visitor proven by identity verification: the site's own user ID, under the secret of the agent whose widget it uses. */
export type VerifiedIdentity = { userId: string; agentDeviceId: DeviceId };

/** Who is asking: proven at the edge (visitor token or agent session), trusted by core. */
export type Actor =
  | { kind: "visitor"; deviceId: DeviceId; verified?: VerifiedIdentity }
  | { kind: "agent"; deviceId: DeviceId; agentId: string; sessionToken: string };

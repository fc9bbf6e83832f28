import type { DeviceId } from "./ids.ts";

/** Who is asking: proven at the edge (visitor token or agent session), trusted by core. */
export type Actor =
  | { kind: "visitor"; deviceId: DeviceId }
  | { kind: "agent"; deviceId: DeviceId; agentId: string; sessionToken: string };

import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import type { Db } from "../db.ts";
import { identifierSchema } from "./identifier.ts";
import type { AgentProfile } from "./sign-up-agent.ts";

export const credentialsSchema = z.object({ identifier: identifierSchema, password: z.string().min(1).max(200) });
export type Credentials = z.infer<typeof credentialsSchema>;

// Checked against a real hash even when the account is missing, so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

/** The agent whose identifier and password match, or null: callers must not say which part was wrong. */
export async function verifyCredentials(db: Db, { identifier, password }: Credentials): Promise<AgentProfile | null> {
  const agent = await db.agent.findFirst({ where: identifier });
  const isMatch = await verify(agent?.passwordHash ?? (await (dummyHash ??= hash("no such account"))), password).catch(() => false);
  if (!agent || !isMatch) return null;
  return { id: agent.id, deviceId: agent.deviceId, name: agent.name, email: agent.email, phone: agent.phone };
}

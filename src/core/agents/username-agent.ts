import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { newDeviceId } from "../ids.ts";
import type { AgentProfile } from "./sign-up-agent.ts";

// golang-im's accounts sign in with a name (its "nickname"), kept in Agent.username; they are ordinary agents.
const usernameSchema = z
  .string()
  .trim()
  .min(1, "nickname is required")
  .max(64, "nickname is at most 64 characters")
  .refine((name) => !/[\s\0]/.test(name), "nickname must not contain spaces")
  // A shop_id of 32 hex digits names an agent by its device id, so no nickname may look like one.
  .refine((name) => !/^[0-9a-f]{32}$/.test(name), "nickname must not be 32 hex digits");
export const registerUsernameAgentSchema = z.object({
  nickname: usernameSchema,
  // The same rule as a sign-up; golang-im took any password and stored it in plain text.
  password: z.string().min(8, "password must be at least 8 characters").max(200),
});
export type RegisterUsernameAgentInput = z.infer<typeof registerUsernameAgentSchema>;
export type UsernameAgent = AgentProfile & { username: string };

const select = { id: true, deviceId: true, name: true, email: true, phone: true, username: true } as const;

/** A new agent who signs in by name; a name already taken is CONFLICT (golang-im silently overwrote the account). */
export async function registerUsernameAgent(db: Db, { nickname, password }: RegisterUsernameAgentInput): Promise<UsernameAgent> {
  const taken = await db.agent.findUnique({ where: { username: nickname }, select: { id: true } });
  if (taken) throw new ChatError("CONFLICT", "this nickname is already registered");
  const passwordHash = await hash(password); // argon2id, as sign-up does
  try {
    const agent = await db.agent.create({
      data: { username: nickname, name: nickname, passwordHash, device: { create: { id: newDeviceId(), kind: "AGENT", label: nickname } } },
      select,
    });
    return { ...agent, username: nickname };
  } catch (err) {
    // Two registrations racing for one name: the unique index decides, and the loser hears the same as above.
    if ((err as { code?: string }).code === "P2002") throw new ChatError("CONFLICT", "this nickname is already registered", { cause: err });
    throw err;
  }
}

export const usernameCredentialsSchema = z.object({ nickname: usernameSchema, password: z.string().min(1, "password is required").max(200) });

// Checked against a real hash even when the name is unknown, so timing does not reveal which names exist.
let dummyHash: Promise<string> | undefined;

/** The agent whose name and password match, or null: callers must not say which part was wrong. */
export async function verifyUsernameCredentials(db: Db, { nickname, password }: z.infer<typeof usernameCredentialsSchema>): Promise<UsernameAgent | null> {
  const agent = await db.agent.findUnique({ where: { username: nickname }, select: { ...select, passwordHash: true } });
  const isMatch = await verify(agent?.passwordHash ?? (await (dummyHash ??= hash("no such account"))), password).catch(() => false);
  if (!agent || !isMatch) return null;
  const { passwordHash: _hash, ...profile } = agent;
  return { ...profile, username: nickname };
}

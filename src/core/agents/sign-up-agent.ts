import { hash } from "@node-rs/argon2";
import { z } from "zod";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { newDeviceId } from "../ids.ts";
import { identifierSchema } from "./identifier.ts";

export const signUpAgentSchema = z.object({
  identifier: identifierSchema,
  name: z.string().trim().min(1, "Enter your name").max(80),
  password: z.string().min(8, "Use at least 8 characters").max(200),
});
export type SignUpAgentInput = z.infer<typeof signUpAgentSchema>;

export type AgentProfile = { id: string; deviceId: string; name: string; email: string | null; phone: string | null };

export async function signUpAgent(db: Db, input: SignUpAgentInput): Promise<AgentProfile> {
  const taken = await db.agent.findFirst({ where: input.identifier, select: { id: true } });
  if (taken) throw new ChatError("CONFLICT", `An account with this ${input.identifier.email ? "email" : "phone number"} already exists`);
  const passwordHash = await hash(input.password); // argon2id with the library's recommended cost
  const deviceId = newDeviceId();
  try {
    return await db.agent.create({
      data: {
        ...input.identifier,
        name: input.name,
        passwordHash,
        device: { create: { id: deviceId, kind: "AGENT", label: input.name } },
      },
      select: { id: true, deviceId: true, name: true, email: true, phone: true },
    });
  } catch (err) {
    // Two sign-ups racing for one address: the unique index decides, and the loser hears the same as above.
    if ((err as { code?: string }).code === "P2002") throw new ChatError("CONFLICT", "An account with this identifier already exists", { cause: err });
    throw err;
  }
}

import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { credentialsSchema, verifyCredentials } from "../core/agents/verify-credentials.ts";
import { usernameCredentialsSchema, verifyUsernameCredentials } from "../core/agents/username-agent.ts";
import { cookies } from "next/headers";
import { SESSION_TTL_MS, createAgentSession, revokeAgentSession } from "../core/sessions/agent-session.ts";
import { agentFromCookies } from "../core/sessions/session-cookie.ts";
import { CLIENT_ADDRESS_HEADER } from "../server/http/client-address.ts";
import { sharedLimits } from "../server/limits/shared-limits.ts";
import { checkSignInAllowed, signInSucceeded } from "../server/limits/sign-in-limits.ts";
import { db, serverConfig, serverLog } from "./_lib/server-context.ts";

declare module "next-auth" {
  interface User {
    sessionToken?: string;
    deviceId?: string;
  }
}

class WrongCredentials extends CredentialsSignin {
  override code = "wrong_credentials";
}

/** The account or the address has used up its sign-in attempts; nothing was checked. */
export class TooManySignInAttempts extends CredentialsSignin {
  override code = "rate_limited";
  constructor(readonly retryAfterMs: number) {
    super();
  }
}

// Built per request, because the secret is known only once the custom server has booted.
const authConfig = (): NextAuthConfig => ({
  secret: serverConfig().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_TTL_MS / 1000 },
  logger: {
    // A wrong password is an answer, not an error; everything else goes to our log with its context.
    error: (err) => (err instanceof CredentialsSignin ? undefined : serverLog().error({ err }, "auth error")),
    warn: (code) => serverLog().warn({ code }, "auth warning"),
    debug: () => undefined,
  },
  pages: { signIn: "/admin/sign-in" },
  providers: [
    Credentials({
      credentials: { identifier: { label: "Email or phone" }, password: { label: "Password", type: "password" } },
      // Runs for the sign-in form and for POST /api/auth/callback/credentials alike, so both are throttled.
      authorize: async (raw, request) => {
        const limits = sharedLimits();
        const retryAfterMs = await checkSignInAllowed(limits, raw.identifier, request.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined);
        if (retryAfterMs) throw new TooManySignInAttempts(retryAfterMs);
        const input = credentialsSchema.safeParse(raw);
        // Neither an email nor a phone: the name of an agent registered through golang-im's /auth/register.
        const byName = input.success ? undefined : usernameCredentialsSchema.safeParse({ nickname: raw.identifier, password: raw.password });
        const agent = input.success ? await verifyCredentials(db(), input.data) : byName?.success ? await verifyUsernameCredentials(db(), byName.data) : null;
        if (!agent) throw new WrongCredentials();
        await signInSucceeded(limits, raw.identifier);
        // A session row per sign-in: the cookie alone cannot be revoked, the row can.
        const sessionToken = await createAgentSession(db(), agent.id);
        return { id: agent.id, name: agent.name, email: agent.email, sessionToken, deviceId: agent.deviceId };
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => (user ? { ...token, sessionToken: user.sessionToken, deviceId: user.deviceId } : token),
  },
  events: {
    signOut: async (message) => {
      const sessionToken = "token" in message ? message.token?.sessionToken : undefined;
      if (typeof sessionToken === "string") await revokeAgentSession(db(), sessionToken);
    },
  },
});

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);

/** The signed-in agent, or null; a cookie whose session row is gone (signed out elsewhere) counts as signed out. */
export async function currentAgent() {
  const jar = await cookies();
  return agentFromCookies(new Map(jar.getAll().map((cookie) => [cookie.name, cookie.value])), db(), serverConfig().AUTH_SECRET);
}

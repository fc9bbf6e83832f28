/** An agent's saved reply: typing `/` and the shortcut in the message box offers it. */
export type CannedReply = { id: string; shortcut: string; body: string };

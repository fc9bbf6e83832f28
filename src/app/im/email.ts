/** What the server's own check (zod's email) refuses would be refused there too; this only spares a round trip. */
export const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value.trim());

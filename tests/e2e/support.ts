import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Browser, type FrameLocator, type Page } from "@playwright/test";

let counter = 0;
/** A fresh agent identity per call, so tests never collide on "email already taken". */
export const newAgent = () => ({ name: `Ada ${++counter}`, email: `ada.${Date.now()}.${counter}@example.com`, password: "correct horse battery" });

/** Signs an agent up through the real form, as a newcomer would, and returns the console page and its snippet. */
export async function signUpAgent(browser: Browser, agent = newAgent()): Promise<{ page: Page; snippet: string }> {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Your name").fill(agent.name);
  await page.getByLabel("Email or phone number").fill(agent.email);
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();
  await page.getByRole("button", { name: "Copy snippet" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  return { page, snippet };
}

/** A customer's website on another origin (127.0.0.1 vs localhost) with the snippet pasted into it. */
export async function hostSite(snippet: string): Promise<{ url: string; close: () => Promise<void> }> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme Shoes</title><style>body{font-family:Georgia,serif;margin:40px;background:#fffbea} button{background:lime}</style></head>
<body><h1>Acme Shoes</h1><p>Handmade shoes since 1921.</p><button id="buy">Buy now</button>
${snippet}
</body></html>`;
  const server: Server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The visitor window inside the widget's iframe on the host page. */
export const chatFrame = (page: Page): FrameLocator => page.frameLocator('iframe[title="Chat"]');

export async function openWidget(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^Open chat/ }).click();
  await expect(chatFrame(page).getByRole("textbox", { name: "Message" })).toBeVisible();
}

export async function sendFromWidget(page: Page, text: string): Promise<void> {
  const frame = chatFrame(page);
  await frame.getByRole("textbox", { name: "Message" }).fill(text);
  await frame.getByRole("button", { name: "Send" }).click();
}

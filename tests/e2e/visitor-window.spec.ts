import { expect, test } from "@playwright/test";
import { signUpAgent } from "./support.ts";

// /im is React bundled by esbuild (scripts/widget-build.mjs), not a Next.js page: its route handler renders the
// window to HTML and the bundle hydrates it. These check the seams the widget specs would not name.

test("the visitor window's first paint comes from the server, in the agent's name and the visitor's language", async ({ browser }) => {
  const { snippet } = await signUpAgent(browser);
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;
  const page = await (await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" })).newPage();
  await page.goto(`/im?agent=${agentId}`);
  await expect(page).toHaveTitle("Chat");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Ada \d+$/);
  await expect(page.locator("header")).toHaveCSS("background-color", "rgb(79, 70, 229)"); // the styles are there before any script runs
  await expect(page.getByRole("status")).toHaveText("正在连接…");
});

test("the visitor window hydrates without errors, loads its conversation and links only its own hashed files", async ({ browser }) => {
  const { snippet } = await signUpAgent(browser);
  const agentId = /data-agent="([0-9a-f]{32})"/.exec(snippet)![1]!;
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message)); // a hydration mismatch is reported here (React's recoverable error)
  page.on("console", (message) => message.type() === "error" && !message.text().startsWith("Failed to load resource") && errors.push(message.text()));
  const scripts: string[] = [];
  page.on("request", (request) => request.resourceType() === "script" && scripts.push(new URL(request.url()).pathname));
  await page.goto(`/im.html?agent=${agentId}`); // golang-im's name for it
  await expect(page.getByRole("textbox", { name: "Message" })).toBeVisible(); // the lazy chunks arrived and rendered
  await expect(page.getByText("Online", { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
  expect(scripts.length).toBeGreaterThan(1);
  for (const script of scripts) expect(script).toMatch(/^\/im\/(visitor-window|chunk)-[A-Za-z0-9_-]+\.js$/);
  const entry = await fetch(new URL(scripts[0]!, page.url()));
  expect(entry.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
});

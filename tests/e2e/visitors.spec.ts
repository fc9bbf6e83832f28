import { expect, test, type BrowserContext, type Frame, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import type { AckResult, ClientToServerEvents, ServerToClientEvents, VisitorProfile } from "../../src/server/socket/contract.ts";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const SHOTS = "test-results/shots";

/** A socket.io client from the test itself: as the visitor (its token) or the agent (its session cookie). */
function connect(baseURL: string, options: { token?: string; cookie?: string }): Promise<ChatSocket> {
  const socket: ChatSocket = io(baseURL, { transports: ["websocket"], forceNew: true, reconnection: false, ...(options.token && { auth: { token: options.token } }), ...(options.cookie && { extraHeaders: { cookie: options.cookie } }) });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const cookieHeader = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
/**
 * The widget's visitor token: in the frame's own storage, or (where the browser denies a third-party frame its
 * storage, as this Chromium does) in the host page's, where the loader keeps it for the frame.
 */
async function visitorToken(page: Page): Promise<string> {
  const read = (where: Page | Frame) => where.evaluate(() => localStorage.getItem("parley.visitor.token")).catch(() => null);
  const frame = page.frames().find((f) => f.url().includes("/im"));
  const token = (frame && (await read(frame))) ?? (await read(page));
  if (!token) throw new Error("no visitor token in the widget's storage");
  return token;
}
const subjectOf = (token: string): string => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")).sub as string;

/** What the panel shows as the visitor's local time for a profile: the panel's own format, or Unknown without a zone. */
const expectedLocalTime = (profile: VisitorProfile) => (profile.timezone ? new RegExp(`\\(${profile.timezone.replace("/", "\\/")}\\)$`) : /^Unknown$/);

test("the visitor panel shows who the agent is talking to, live; blocking stops their messages and unblocking restores them", async ({ browser, baseURL }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const site = await hostSite(snippet);
  const visitorContext = await browser.newContext({ timezoneId: "Asia/Shanghai", locale: "en-GB" });
  const visitorPage = await visitorContext.newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, "Hello, do you ship to Berlin?");

  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").getByRole("button");
  await expect(row).toContainText("Hello, do you ship to Berlin?");
  await row.click();
  const panel = agentPage.getByRole("complementary", { name: "Visitor" });
  const field = (label: string) => panel.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("visitor-presence")).toHaveText("Online");
  await expect(field("Browser")).toHaveText(/^Chrome \d+$/);
  await expect(field("System")).toHaveText("Linux · Desktop");
  const siteHost = new URL(site.url).host;
  await expect(panel.getByRole("link", { name: siteHost }).first()).toHaveAttribute("href", site.url);
  await expect(panel.getByRole("link", { name: siteHost }).first()).toHaveAttribute("rel", "noopener noreferrer nofollow");
  await expect(field("IP address")).toHaveText(/127\.0\.0\.1|::1/);

  // The panel renders what the server knows: the same profile, asked for by the agent from here.
  const agentSocket = await connect(baseURL!, { cookie: await cookieHeader(agentPage.context()) });
  const token = await visitorToken(visitorPage);
  const deviceId = subjectOf(token);
  const profileNow = async () => {
    const reply: AckResult<{ visitor: VisitorProfile }> = await agentSocket.timeout(5000).emitWithAck("visitor:get", { deviceId });
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.data.visitor;
  };
  const profile = await profileNow();
  await expect(field("Local time")).toHaveText(expectedLocalTime(profile));
  const firstSeen = await agentPage.evaluate((iso) => new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" }), profile.firstSeenAt);
  await expect(field("First seen")).toHaveText(firstSeen);
  await agentPage.screenshot({ path: `${SHOTS}/visitor-panel-desktop.png` });

  // The visitor (here through the site's JavaScript API, as a socket with the widget's token) says who they are.
  const visitorSocket = await connect(baseURL!, { token });
  const [updated] = await Promise.all([
    new Promise<VisitorProfile>((resolve) => agentSocket.once("visitor:updated", resolve)),
    visitorSocket.timeout(5000).emitWithAck("visitor:update-profile", { name: "Grace Hopper", email: "grace@example.com", attributes: { plan: "pro", seats: 12 } }),
  ]);
  expect(updated).toMatchObject({ displayName: "Grace Hopper", email: "grace@example.com" });
  visitorSocket.close();
  // The console's client does not pass visitor:updated to the panel yet: it fetches again with the next message (or minute).
  await sendFromWidget(visitorPage, "I'm Grace, by the way");
  await expect(panel.getByRole("heading", { name: "Grace Hopper" })).toBeVisible();
  await expect(field("Email")).toHaveText("grace@example.com");
  await expect(panel.getByText("plan", { exact: true })).toBeVisible();

  // Block by device, after confirming.
  await panel.getByRole("button", { name: "Block…" }).click();
  const confirm = panel.getByRole("group", { name: "Block this visitor?" });
  await expect(confirm.getByLabel("This device (browser)")).toBeChecked();
  await expect(confirm.getByLabel(/IP address/)).not.toBeChecked();
  await agentPage.screenshot({ path: `${SHOTS}/visitor-panel-block-confirm.png` });
  await confirm.getByRole("button", { name: "Block" }).click();
  await expect(panel.getByRole("status")).toContainText("Blocked: this device");
  await expect(panel.getByRole("button", { name: "Unblock" })).toBeVisible();

  await sendFromWidget(visitorPage, "Why can't I write?");
  const frame = chatFrame(visitorPage);
  await expect(frame.getByText("Not sent: this chat is not available to you")).toBeVisible();
  await visitorPage.screenshot({ path: `${SHOTS}/widget-blocked.png` });
  await expect(agentPage.getByRole("log").getByText("Why can't I write?")).toHaveCount(0);
  await agentPage.screenshot({ path: `${SHOTS}/visitor-panel-blocked.png` });

  // Unblocking lets the next message through at once.
  await panel.getByRole("button", { name: "Unblock" }).click();
  await expect(panel.getByText("This visitor can chat with you.")).toBeVisible();
  await sendFromWidget(visitorPage, "Back again");
  await expect(agentPage.getByRole("log").getByText("Back again")).toBeVisible();

  // On a phone the panel hides behind a Visitor button.
  await agentPage.setViewportSize({ width: 390, height: 760 });
  await expect(panel).toBeHidden();
  await agentPage.screenshot({ path: `${SHOTS}/visitor-button-phone.png` });
  await agentPage.getByRole("button", { name: "Visitor" }).click();
  const drawer = agentPage.getByRole("dialog", { name: "Visitor" });
  await expect(drawer.getByRole("heading", { name: "Grace Hopper" })).toBeVisible();
  await agentPage.screenshot({ path: `${SHOTS}/visitor-panel-phone.png` });
  await drawer.getByRole("button", { name: "Close" }).click();
  await expect(drawer).toBeHidden();
  await agentPage.setViewportSize({ width: 1280, height: 720 });

  // The visitor leaves: the panel says when they were last seen.
  await visitorContext.close();
  await expect(panel.getByTestId("visitor-presence")).toHaveText(/^Last seen /);
  agentSocket.close();
  await site.close();
});

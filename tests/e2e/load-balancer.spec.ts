// The multi-node recipe of docker-compose.yml, proven without Docker: two production nodes on one
// PostgreSQL and one Redis, behind Debian's nginx running deploy/nginx.conf itself (with the upstream
// and listen lines pointed at loopback, as the comment at the top of that file describes). The browser
// only ever talks to the balancer. Then the node serving the chat is killed outright, and the chat
// must go on through the other node with nothing lost, nothing doubled.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { adminQuery, databaseUrl as databaseUrlOf, dropDatabase } from "../integration/postgres.ts";
import { pollUntil } from "../support/poll.ts";
import { hostSite, signUpAgent } from "./support.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LB_PORT = 3200;
const NODE_PORTS = [3201, 3202] as const;
const LB_URL = `http://localhost:${LB_PORT}`;
const NGINX = process.env.NGINX_PATH ?? "/usr/sbin/nginx";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const DB_NAME = "parley_e2e_lb";

// Two cold Next.js servers plus a failover: more than the suite's default minute on a slow machine.
test.describe.configure({ mode: "serial", timeout: 180_000 });
// Every page, including the ones signUpAgent opens with relative URLs, goes through the balancer.
test.use({ baseURL: LB_URL });

type Proc = { name: string; child: ChildProcess; logFile: string };
const procs: Proc[] = [];
const nodes = new Map<number, Proc>();
let tmp = "";

/**
 * Starts a command as the leader of its own process group, so it and anything it forks can be stopped together.
 * Its stdout and stderr go to a file (not a pipe: nginx opens /dev/stdout for its access log, which a socket cannot give).
 */
function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const logFile = path.join(tmp, `${name.replace(/\W+/g, "-")}.log`);
  const fd = fs.openSync(logFile, "a");
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  child.on("error", (err) => fs.appendFileSync(logFile, `spawn failed: ${err.message}\n`));
  const proc: Proc = { name, child, logFile };
  procs.push(proc);
  return proc;
}

/** The end of a process's output, which is what explains a failure. */
function outputOf(proc: Proc): string {
  const text = fs.existsSync(proc.logFile) ? fs.readFileSync(proc.logFile, "utf8") : "";
  return text.slice(-20_000);
}

const isRunning = (proc: Proc) => proc.child.exitCode === null && proc.child.signalCode === null;

function killGroup(proc: Proc, signal: NodeJS.Signals) {
  try {
    process.kill(-proc.child.pid!, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

/** Sends `signal` to the whole group and waits for the leader to exit (SIGKILL after `graceMs`), then reaps stragglers. */
async function stop(proc: Proc, signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000): Promise<void> {
  if (proc.child.pid === undefined) return;
  if (isRunning(proc)) {
    const exited = new Promise((resolve) => proc.child.once("exit", resolve));
    killGroup(proc, signal);
    const timer = setTimeout(() => killGroup(proc, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killGroup(proc, "SIGKILL");
}

// If the worker dies without running afterAll, still leave nothing behind.
process.once("exit", () => procs.forEach((proc) => killGroup(proc, "SIGKILL")));

/** GET without keep-alive (so the probe leaves no connection open to a node), resolving to status and JSON body. */
function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { text } });
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

/** Polls `url` until it is healthy with the database and Redis up; fails at once (with its output) if `proc` exits. */
async function waitHealthy(proc: Proc, url: string, timeoutMs = 120_000): Promise<void> {
  let last = "no answer yet";
  const probe = async () => {
    if (!isRunning(proc)) throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was healthy:\n${outputOf(proc)}`);
    try {
      const { status, body } = await getJson(url);
      if (status === 200 && body.database === "up" && body.redis === "up") return true;
      last = `${status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = String(err);
    }
    return undefined;
  };
  const onTimeout = () => new Error(`${proc.name} not healthy at ${url} after ${timeoutMs} ms (last: ${last}):\n${outputOf(proc)}`);
  await pollUntil(probe, { timeoutMs, intervalMs: 250, onTimeout });
}

/** How many ESTABLISHED TCP connections have `port` as their local port, i.e. are held open by the node listening there. */
function establishedTo(port: number): number {
  let count = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "01" && Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) count++;
    }
  }
  return count;
}

/** The nodes that hold connections from the balancer right now (ports). */
const nodesInUse = () => NODE_PORTS.filter((port) => establishedTo(port) > 0);

/** deploy/nginx.conf with the two documented substitutions: listen on loopback, upstream at the local nodes. */
function nginxConfForTest(): string {
  const conf = fs.readFileSync(path.join(ROOT, "deploy/nginx.conf"), "utf8");
  const listen = /^(\s*)listen 80;$/m;
  const upstream = /^(\s*)server app(\d+):3000\b/gm;
  expect(conf, "deploy/nginx.conf must keep one `listen 80;` line").toMatch(listen);
  expect(conf.match(upstream), "deploy/nginx.conf must keep `server app1:3000` and `server app2:3000`").toHaveLength(NODE_PORTS.length);
  return conf
    .replace(listen, `$1listen 127.0.0.1:${LB_PORT};`)
    .replace(upstream, (_line, indent: string, n: string) => `${indent}server 127.0.0.1:${NODE_PORTS[Number(n) - 1]}`);
}

test.beforeAll(async () => {
  expect(fs.existsSync(NGINX), `nginx not found at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`).toBe(true);
  expect(fs.existsSync(path.join(ROOT, ".next/BUILD_ID")), "no production build: run node scripts/ensure-built.mjs").toBe(true);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "parley-lb-"));

  await dropDatabase(DB_NAME);
  await adminQuery(`CREATE DATABASE "${DB_NAME}"`);
  const databaseUrl = databaseUrlOf(DB_NAME);

  // What docker-compose.yml gives app1 and app2: one database, one Redis, one AUTH_SECRET. PUBLIC_URL is left
  // unset on purpose, so the embed snippet proves the balancer forwards the public host and port.
  const authSecret = randomBytes(32).toString("base64url");
  for (const port of NODE_PORTS) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      AUTH_SECRET: authSecret,
      PUBLIC_URL: "",
      DATA_DIR: path.join(tmp, `data-${port}`),
      LOG_LEVEL: "warn",
      SHUTDOWN_TIMEOUT_MS: "5000",
      NEXT_TELEMETRY_DISABLED: "1",
      // Counted in the shared Redis, which outlives each run: every run's sign-ups and visitors from 127.0.0.1 would add up.
      SIGN_UP_RATE_LIMIT: "off",
      VISITORS_RATE_LIMIT: "off",
    };
    nodes.set(port, start(`node :${port}`, process.execPath, ["--import", "tsx", "server.ts"], env));
  }
  // Started together, as compose starts them: both migrate the empty database at once (an advisory lock orders them).
  await Promise.all(NODE_PORTS.map((port) => waitHealthy(nodes.get(port)!, `http://127.0.0.1:${port}/api/health`)));

  const confFile = path.join(tmp, "nginx.conf");
  fs.writeFileSync(confFile, nginxConfForTest());
  const nginx = start("nginx", NGINX, ["-p", `${tmp}/`, "-c", confFile, "-g", `daemon off; pid ${tmp}/nginx.pid; error_log ${tmp}/error.log;`], process.env);
  await waitHealthy(nginx, `http://127.0.0.1:${LB_PORT}/api/health`);
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const proc of procs) await testInfo.attach(`${proc.name}.log`, { body: outputOf(proc), contentType: "text/plain" });
  const errorLog = path.join(tmp, "error.log");
  if (fs.existsSync(errorLog)) await testInfo.attach("nginx-error.log", { path: errorLog, contentType: "text/plain" });
});

test.afterAll(async () => {
  // The balancer first, so nothing new reaches the nodes while they drain.
  for (const proc of [...procs].reverse()) await stop(proc);
  await dropDatabase(DB_NAME);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const chatFrame = (page: Page) => page.frameLocator('iframe[title="Chat"]');

async function openWidget(page: Page) {
  await page.getByRole("button", { name: /^Open chat/ }).click();
  await expect(chatFrame(page).getByRole("textbox", { name: "Message" })).toBeVisible();
}

async function sendFromWidget(page: Page, text: string) {
  await chatFrame(page).getByRole("textbox", { name: "Message" }).fill(text);
  await chatFrame(page).getByRole("button", { name: "Send" }).click();
}

async function sendFromConsole(page: Page, text: string) {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.keyboard.press("Enter");
}

test("behind the balancer, a chat survives the death of the node serving it", async ({ browser }, testInfo) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  // No PUBLIC_URL is set: the snippet names the balancer's address, taken from the forwarded Host header.
  expect(snippet).toMatch(new RegExp(`^<script src="${LB_URL}/widget\\.js" data-agent="[0-9a-f]{32}" async></script>$`));
  const site = await hostSite(snippet);
  const visitorContext = await browser.newContext();
  const visitorPage = await visitorContext.newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);

  const visitorLog = chatFrame(visitorPage).getByRole("log");
  const agentLog = agentPage.getByRole("log");
  await sendFromWidget(visitorPage, "Hello through the balancer");
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Hello through the balancer" }).click();
  await expect(agentLog.getByText("Hello through the balancer")).toBeVisible();
  await sendFromConsole(agentPage, "Hi! How can I help?");
  await expect(visitorLog.getByText("Hi! How can I help?")).toBeVisible();

  // ip_hash: every client here comes from 127.0.0.1, so both browsers' sockets are on one node and the other has none.
  let inUse: number[] = [];
  await expect.poll(() => (inUse = nodesInUse()), { message: "exactly one node should hold the sticky connections" }).toHaveLength(1);
  const [deadPort] = inUse;
  const survivorPort = NODE_PORTS.find((port) => port !== deadPort)!;
  await agentPage.screenshot({ path: testInfo.outputPath("1-console-before.png") });
  await visitorPage.screenshot({ path: testInfo.outputPath("1-widget-before.png") });

  // No goodbye: SIGKILL, as when a machine or container dies. Its sockets drop; the clients reconnect through
  // the balancer, which finds the node refusing connections and moves them to the survivor, and both sync.
  await stop(nodes.get(deadPort)!, "SIGKILL");

  await sendFromWidget(visitorPage, "Are you still there?");
  await expect(agentLog.getByText("Are you still there?")).toHaveCount(1);
  await sendFromConsole(agentPage, "Yes, still here.");
  await expect(visitorLog.getByText("Yes, still here.")).toHaveCount(1);
  await sendFromWidget(visitorPage, "Great, thanks!");
  await expect(agentLog.getByText("Great, thanks!")).toHaveCount(1);
  await expect(chatFrame(visitorPage).getByText("Sending…")).toHaveCount(0);
  // Nothing doubled by the resend after the reconnect: each message once, on both sides.
  await expect(agentLog.getByText("Are you still there?")).toHaveCount(1);
  await expect(visitorLog.getByText("Yes, still here.")).toHaveCount(1);
  await expect(visitorLog.getByText("Are you still there?")).toHaveCount(1);
  await expect.poll(nodesInUse, { message: "the survivor now holds the connections" }).toEqual([survivorPort]);
  await expect(chatFrame(visitorPage).getByText(/Reconnecting/)).toHaveCount(0);
  await expect(agentPage.getByText(/Reconnecting/)).toHaveCount(0);
  await agentPage.screenshot({ path: testInfo.outputPath("2-console-after-failover.png") });
  await visitorPage.screenshot({ path: testInfo.outputPath("2-widget-after-failover.png") });

  // Reloaded (pages, session cookie and visitor token now checked by the survivor), the whole history, in order.
  const expected = ["Hello through the balancer", "Hi! How can I help?", "Are you still there?", "Yes, still here.", "Great, thanks!"];
  await Promise.all([agentPage.reload(), visitorPage.reload()]);
  await openWidget(visitorPage);
  await expect(visitorLog.getByRole("listitem").locator("p")).toHaveText(expected);
  await agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ hasText: "Great, thanks!" }).click();
  await expect(agentLog.getByRole("listitem").locator("p")).toHaveText(expected);
  await agentPage.screenshot({ path: testInfo.outputPath("3-console-after-reload.png") });
  await visitorPage.screenshot({ path: testInfo.outputPath("3-widget-after-reload.png") });

  await visitorContext.close();
  await agentPage.context().close();
  await site.close();
});

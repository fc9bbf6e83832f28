import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

test("a signed-in user of the site, verified by the console's secret, keeps one history on two devices", async ({ browser }) => {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  await agentPage.getByText("Identity verification").click();
  const secret = (await agentPage.getByLabel("Identity verification secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[0-9a-f]{64}$/);

  // What the site owner's server does: sign its own user ID with the secret, and put both in the tag.
  const userId = `customer-${Date.now()}`;
  const userHash = createHmac("sha256", secret).update(userId).digest("hex");
  const verifiedSnippet = snippet.replace("></script>", ` data-user-id="${userId}" data-user-hash="${userHash}"></script>`);
  const site = await hostSite(verifiedSnippet);

  const laptop = await (await browser.newContext()).newPage();
  await laptop.goto(site.url);
  await openWidget(laptop);
  await sendFromWidget(laptop, "Written on my laptop");
  await expect(chatFrame(laptop).getByRole("log").getByText("Written on my laptop")).toBeVisible();

  const phone = await (await browser.newContext()).newPage(); // another browser: no shared storage at all
  await phone.goto(site.url);
  await openWidget(phone);
  await expect(chatFrame(phone).getByRole("log").getByText("Written on my laptop")).toBeVisible();

  // Claiming the user ID without the site's hash gets nothing: the window refuses, and shows none of the history.
  const forged = await hostSite(snippet.replace("></script>", ` data-user-id="${userId}" data-user-hash="${"0".repeat(64)}"></script>`));
  const intruder = await (await browser.newContext()).newPage();
  await intruder.goto(forged.url);
  await intruder.getByRole("button", { name: /^Open chat/ }).click();
  await expect(chatFrame(intruder).getByRole("alert").filter({ hasText: /./ })).toContainText("unavailable");
  await expect(chatFrame(intruder).getByText("Written on my laptop")).toHaveCount(0);
  await Promise.all([site.close(), forged.close()]);
});

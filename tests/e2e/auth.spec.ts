import { expect, test } from "@playwright/test";
import { newAgent, signUpAgent } from "./support.ts";

test("sign-up refuses a taken email, sign-in refuses a wrong password, sign-out locks the console", async ({ browser }) => {
  const agent = newAgent();
  const { page: first } = await signUpAgent(browser, agent);

  const page = await (await browser.newContext()).newPage();
  await page.goto("/admin/sign-up");
  await page.getByLabel("Your name").fill("Someone Else");
  await page.getByLabel("Email or phone number").fill(agent.email.toUpperCase()); // addresses compare case-insensitively
  await page.getByLabel("Password").fill("another password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /./ })).toHaveText(/already exists/);

  await page.goto("/admin/sign-in");
  await page.getByLabel("Email or phone number").fill(agent.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /./ })).toHaveText("Wrong email, phone number or password.");
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  // Signing out one browser ends that session only; the first browser is still signed in.
  await first.reload();
  await expect(first.getByRole("navigation", { name: "Conversations" })).toBeVisible();
});

test("an agent can sign up and sign in with a phone number", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const phone = `+44 7700 ${String(Date.now()).slice(-6)}`;
  await page.goto("/admin/sign-up");
  await page.getByLabel("Your name").fill("Phone Agent");
  await page.getByLabel("Email or phone number").fill(phone);
  await page.getByLabel("Password").fill("long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Email or phone number").fill(phone.replace(/\s/g, "-"));
  await page.getByLabel("Password").fill("long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();
});

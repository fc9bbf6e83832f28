import { readFile } from "node:fs/promises";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";
import { chatFrame, hostSite, openWidget, sendFromWidget, signUpAgent } from "./support.ts";

type FileSpec = { name: string; mimeType: string; buffer: Buffer };

/** A picture with something to recognise in the screenshots. */
const screenshotPng = (width: number, height: number, text: string) =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <rect width="100%" height="100%" fill="#0ea5e9"/><rect x="8%" y="10%" width="84%" height="80%" rx="24" fill="#fff"/>
      <text x="50%" y="52%" font-size="${Math.round(height / 10)}" text-anchor="middle" font-family="sans-serif" fill="#dc2626">${text}</text></svg>`),
  )
    .png()
    .toBuffer();

/** A real, minimal PDF: one page saying `text`, with a correct cross-reference table. */
function makePdf(text: string): Buffer {
  const content = `BT /F1 24 Tf 24 60 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 320 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** An agent and a visitor on a host site, talking, with the conversation open on both sides. */
async function openConversation(browser: Browser, firstMessage: string) {
  const { page: agentPage, snippet } = await signUpAgent(browser);
  const site = await hostSite(snippet);
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto(site.url);
  await openWidget(visitorPage);
  await sendFromWidget(visitorPage, firstMessage);
  // The one inbox row (the only button there with a presence dot), whatever its preview says later.
  const row = agentPage.getByRole("navigation", { name: "Conversations" }).getByRole("button").filter({ has: agentPage.getByRole("img", { name: /online|offline/ }) });
  await row.filter({ hasText: firstMessage }).click();
  await expect(agentPage.getByRole("log").getByText(firstMessage)).toBeVisible();
  return { agentPage, visitorPage, row, site };
}

/** Chooses files through the paperclip button and the browser's own file chooser. */
async function attach(page: Page | ReturnType<typeof chatFrame>, owner: Page, files: FileSpec[]) {
  const chooser = owner.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach a file" }).click();
  await (await chooser).setFiles(files);
}

/** The pixel width of an image once the browser has it (0 until then, so poll it). */
const naturalWidth = (img: Locator) => img.evaluate((element: HTMLImageElement) => (element.complete ? element.naturalWidth : 0));

test("the visitor pastes a screenshot; the agent sees it inline and opens it full size", async ({ browser }, testInfo) => {
  const { agentPage, visitorPage, row, site } = await openConversation(browser, "The checkout shows an error");
  const png = await screenshotPng(800, 600, "Error 500");
  const frame = chatFrame(visitorPage);

  // What the browser does when a screenshot is pasted: a paste event whose clipboard holds an image file.
  await frame.getByRole("textbox", { name: "Message" }).evaluate((textarea, base64) => {
    const clipboardData = new DataTransfer();
    clipboardData.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], "screenshot.png", { type: "image/png" }));
    textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }));
  }, png.toString("base64"));
  const ownImage = frame.getByRole("button", { name: "Enlarge screenshot.png" });
  await expect(frame.getByRole("progressbar", { name: "Uploading screenshot.png" }).or(ownImage)).toBeVisible();
  await expect(ownImage).toBeVisible();
  await expect(frame.getByText("Sending…")).toHaveCount(0);
  await expect(frame.getByRole("textbox", { name: "Message" })).toHaveValue(""); // the image went as a file, not as text
  await visitorPage.screenshot({ path: testInfo.outputPath("widget-with-image.png") });

  // The agent gets it live, as a loaded preview (the thumbnail, not the 800-pixel original), and the inbox says "Photo".
  const thumbnail = agentPage.getByRole("log").getByRole("img", { name: "screenshot.png" });
  await expect(thumbnail).toBeVisible();
  await expect.poll(() => naturalWidth(thumbnail)).toBeGreaterThan(0);
  expect(await naturalWidth(thumbnail)).toBeLessThanOrEqual(480);
  await expect(row).toContainText("Photo");
  await agentPage.screenshot({ path: testInfo.outputPath("console-with-image.png") });

  // Click to enlarge: a dialog named after the file with the full image; Escape closes it and focus comes back.
  const enlarge = agentPage.getByRole("button", { name: "Enlarge screenshot.png" });
  await enlarge.click();
  const dialog = agentPage.getByRole("dialog", { name: "screenshot.png" });
  await expect(dialog).toBeVisible();
  const full = dialog.getByRole("img", { name: "screenshot.png" });
  await expect.poll(() => naturalWidth(full)).toBe(800);
  await agentPage.screenshot({ path: testInfo.outputPath("enlarged-image.png") });
  await agentPage.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(enlarge).toBeFocused();

  // In the widget, Escape closes the picture but not the chat; the Close button works too.
  await ownImage.click();
  const visitorDialog = frame.getByRole("dialog", { name: "screenshot.png" });
  await expect(visitorDialog).toBeVisible();
  await visitorPage.screenshot({ path: testInfo.outputPath("widget-enlarged-image.png") });
  await visitorPage.keyboard.press("Escape");
  await expect(visitorDialog).toHaveCount(0);
  await expect(frame.getByRole("textbox", { name: "Message" })).toBeVisible();
  await ownImage.click();
  await visitorDialog.getByRole("button", { name: "Close" }).click();
  await expect(visitorDialog).toHaveCount(0);
  await site.close();
});

test("the agent sends a PDF with the attach button; the visitor downloads the same bytes", async ({ browser }, testInfo) => {
  const { agentPage, visitorPage, row, site } = await openConversation(browser, "Can I get my invoice?");
  const pdf = makePdf("Invoice 1042");
  await attach(agentPage, agentPage, [{ name: "invoice-1042.pdf", mimeType: "application/pdf", buffer: pdf }]);

  const link = chatFrame(visitorPage).getByRole("link", { name: /invoice-1042\.pdf/ });
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute("download", "invoice-1042.pdf");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  await expect(link).toHaveAccessibleName(`Download invoice-1042.pdf, ${pdf.length} B`); // a PDF this small is counted in bytes
  await expect(row).toContainText("invoice-1042.pdf");
  await visitorPage.screenshot({ path: testInfo.outputPath("widget-with-pdf.png") });

  const download = visitorPage.waitForEvent("download");
  await link.click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("invoice-1042.pdf");
  expect(await readFile(await file.path())).toEqual(pdf);
  await site.close();
});

test("an image dropped on the console's conversation is uploaded with a progress bar and sent", async ({ browser }, testInfo) => {
  const { agentPage, visitorPage, site } = await openConversation(browser, "What does the box look like?");
  // Noise does not compress, so the upload is big enough to watch at a throttled upload speed.
  const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#888", noise: { type: "gaussian", mean: 128, sigma: 60 } } }).png().toBuffer();
  const cdp = await agentPage.context().newCDPSession(agentPage);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 150 * 1024 });

  const dataTransfer = await agentPage.evaluateHandle((base64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], "box.png", { type: "image/png" }));
    return data;
  }, photo.toString("base64"));
  const log = agentPage.getByRole("log");
  await log.dispatchEvent("dragenter", { dataTransfer });
  await expect(agentPage.getByText("Drop to send")).toBeVisible();
  await log.dispatchEvent("dragover", { dataTransfer });
  await log.dispatchEvent("drop", { dataTransfer });
  await expect(agentPage.getByText("Drop to send")).toHaveCount(0);

  const progress = log.getByRole("progressbar", { name: "Uploading box.png" });
  await expect(progress).toBeVisible();
  await expect(progress).not.toHaveAttribute("aria-valuenow", "0"); // it moves
  await agentPage.screenshot({ path: testInfo.outputPath("console-uploading.png") });
  await expect(progress).toHaveCount(0, { timeout: 20_000 });
  await expect(log.getByRole("button", { name: "Enlarge box.png" })).toBeVisible();
  await expect(chatFrame(visitorPage).getByRole("log").getByRole("img", { name: "box.png" })).toBeVisible();
  await site.close();
});

test("a file that is not an image or a PDF, or is too big, is refused with a clear error, and nothing is sent", async ({ browser }, testInfo) => {
  const { agentPage, visitorPage, site } = await openConversation(browser, "Here is my file");
  const frame = chatFrame(visitorPage);
  await attach(frame, visitorPage, [
    { name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    { name: "photo.png", mimeType: "image/png", buffer: Buffer.from("<!doctype html><script>alert(1)</script>") }, // HTML dressed up as a PNG
    { name: "manual.pdf", mimeType: "application/pdf", buffer: Buffer.concat([makePdf("Manual"), Buffer.alloc(11 * 1024 * 1024)]) }, // over the 10 MB limit
  ]);
  const errors = frame.getByRole("log").getByRole("alert"); // Next.js has an alert of its own, its route announcer
  await expect(errors).toHaveCount(3);
  await expect(errors.filter({ hasText: "manual.pdf" })).toHaveText("manual.pdf: Not sent. This file is too big to send.");
  await expect(errors.filter({ hasText: "logo.svg" })).toHaveText("logo.svg: Not sent. Only images (PNG, JPEG, GIF, WebP) and PDFs can be sent.");
  await expect(errors.filter({ hasText: "photo.png" })).toContainText("Not sent.");
  await visitorPage.screenshot({ path: testInfo.outputPath("widget-refused-files.png") });

  // Dismissed, the errors go; a later message reaches the agent right after the first one, with nothing between.
  await frame.getByRole("button", { name: "Dismiss logo.svg" }).click();
  await frame.getByRole("button", { name: "Dismiss photo.png" }).click();
  await frame.getByRole("button", { name: "Dismiss manual.pdf" }).click();
  await expect(errors).toHaveCount(0);
  await sendFromWidget(visitorPage, "Never mind");
  await expect(agentPage.getByRole("log").getByText("Never mind")).toBeVisible();
  await expect(agentPage.getByRole("log").locator("li[data-seq]")).toHaveCount(2);
  await site.close();
});

// An agent logs a "Follow up" call from the Lead form: the Lead becomes Followups and a ToDo exists.
// Run by dev/browser-test, which starts the bench's web server on 127.0.0.1 and seeds the agent and lead.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const { BASE_URL, SITE, AGENT, AGENT_PASSWORD, LEAD, SCREENSHOT } = process.env;

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: [
		"--no-sandbox",
		"--disable-gpu",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		`--host-resolver-rules=MAP ${SITE} 127.0.0.1`,
	],
});

try {
	const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	page.setDefaultTimeout(30000);

	await page.goto(`${BASE_URL}/login`);
	await page.fill("#login_email", AGENT);
	await page.fill("#login_password", AGENT_PASSWORD);
	await page.click(".btn-login");
	await page.waitForURL(/\/app/);

	await page.goto(`${BASE_URL}/app/lead/${encodeURIComponent(LEAD)}`);
	await page.waitForFunction((lead) => window.cur_frm?.doc?.name === lead, LEAD);
	assert.equal(await page.evaluate(() => cur_frm.doc.status), "Lead");

	await page.getByRole("button", { name: "Calls" }).click();
	await page.getByText("Log Call", { exact: true }).click();

	const dialog = page.locator(".modal.show");
	await dialog.waitFor();
	const status = dialog.locator('div.frappe-control[data-fieldname="call_status"] select');
	await page.waitForFunction(
		() => document.querySelectorAll('.modal.show [data-fieldname="call_status"] option').length > 1
	);
	const offered = await status.locator("option").allTextContents();
	assert.ok(offered.includes("Follow up"), `Follow up offered: ${offered}`);
	assert.ok(!offered.includes("In-progress"), `hidden statuses are not offered: ${offered}`);
	assert.ok(!offered.includes("Missed"), `incoming-only statuses are not offered outgoing: ${offered}`);

	// The follow-up step appears only for a status that needs it.
	const followUp = dialog.locator('div.frappe-control[data-fieldname="follow_up_at"]');
	assert.equal(await followUp.isVisible(), false);
	await status.selectOption({ label: "Follow up" });
	await followUp.waitFor({ state: "visible" });
	await page.waitForFunction(
		() => document.querySelector('.modal.show div.frappe-control[data-fieldname="follow_up_at"] input')?.value
	);
	await dialog.locator('div.frappe-control[data-fieldname="duration"] input').fill("75");
	await dialog.locator('div.frappe-control[data-fieldname="note"] textarea').fill("Wants a demo next week");
	if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT.replace(".png", "-dialog.png") });
	const save = dialog.getByRole("button", { name: "Save Call" });
	await save.click();

	await page.waitForFunction(() => cur_frm.doc.status === "Followups");
	const todos = await page.evaluate(
		(lead) =>
			frappe.db.get_list("ToDo", {
				filters: { reference_type: "Lead", reference_name: lead, status: "Open" },
				fields: ["name", "allocated_to", "description"],
			}),
		LEAD
	);
	assert.equal(todos.length, 1, JSON.stringify(todos));
	assert.equal(todos[0].allocated_to, AGENT);
	assert.match(todos[0].description, /Wants a demo next week/);
	if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });
	console.log("browser: 1 passed, 0 failed");
} finally {
	await browser.close();
}

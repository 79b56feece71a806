// Inbound desk checks (DESIGN.md §10) in Chromium: an unknown caller's missed call → Create Lead → the Lead
// shows both of the number's calls; a call's recording plays on the call form. Run by dev/browser-test
// after desk.mjs (same server, seed in $INBOUND_SEED). Every check fails on a console error.
import assert from "node:assert/strict";

import { launch_browser, open_form, run_checks } from "./lib.mjs";

const { BASE_URL, SITE, ARTIFACTS = "/tmp/csc-browser-artifacts" } = process.env;
const { agent: AGENT } = JSON.parse(process.env.SEED);
const INBOUND = JSON.parse(process.env.INBOUND_SEED);
const [FIRST, LATEST] = INBOUND.unknown_calls;

const browser = await launch_browser(SITE, ["--autoplay-policy=no-user-gesture-required"]);

const checks = [];
const check = (name, user, fn) => checks.push({ name, user, fn });

check("(i1) unknown missed call: Create Lead, and the Lead shows both calls", AGENT, async (page) => {
	await open_form(page, "Lead Call Log", LATEST);
	assert.equal(await page.evaluate(() => cur_frm.doc.unknown_caller), 1);
	assert.ok(await page.getByRole("button", { name: "Call back" }).isVisible(), "Call back offered");
	await page.getByRole("button", { name: "Create Lead" }).click();
	const prompt = page.locator(".modal.show", { hasText: "Create Lead" });
	await prompt.waitFor();
	// prefilled with the number
	const name = prompt.locator('input[data-fieldname="lead_name"]');
	assert.equal(await name.inputValue(), INBOUND.number);
	await name.fill("CSC Browser Unknown Caller");
	await prompt.getByRole("button", { name: "Create" }).click();
	await page.waitForFunction(() => window.cur_frm?.doctype === "Lead" && !cur_frm.is_new());
	const lead = await page.evaluate(() => cur_frm.doc.name);
	assert.equal(await page.evaluate(() => cur_frm.doc.lead_name), "CSC Browser Unknown Caller");
	// the Lead's timeline (its Activities tab, where the form has tabs) has a line for each call
	const activities = page.locator(".form-tabs .nav-link", { hasText: "Activities" });
	if (await activities.count()) await activities.first().click();
	for (const call of [FIRST, LATEST]) {
		await page.locator(`.timeline-item a[href="/app/lead-call-log/${call}"]`).first().waitFor();
	}
	assert.equal(await page.evaluate(() => cur_frm.doc.status), "Missed");
	await page.screenshot({ path: `${ARTIFACTS}/inbound-lead.png` });
	// and the calls are the Lead's now: no longer unknown
	await open_form(page, "Lead Call Log", FIRST);
	assert.deepEqual(
		await page.evaluate(() => [cur_frm.doc.lead, cur_frm.doc.unknown_caller]),
		[lead, 0]
	);
	assert.equal(await page.getByRole("button", { name: "Create Lead" }).count(), 0);
});

check("(i2) the recording plays on the call form", AGENT, async (page) => {
	const url = `${BASE_URL}${INBOUND.recording_file}`;
	await page.evaluate(
		([call, url]) =>
			frappe.call({
				method: "frappe.client.set_value",
				args: { doctype: "Lead Call Log", name: call, fieldname: "recording_url", value: url },
			}),
		[LATEST, url]
	);
	await open_form(page, "Lead Call Log", LATEST);
	const audio = page.locator(".form-dashboard .csc-recording audio");
	await audio.waitFor();
	assert.equal(await audio.getAttribute("src"), url);
	const played = await audio.evaluate(
		(el) =>
			new Promise((resolve, reject) => {
				el.muted = true;
				el.addEventListener("timeupdate", () => el.currentTime > 0 && resolve(el.duration), {
					once: false,
				});
				el.addEventListener("error", () => reject(new Error(`audio error ${el.error?.code}`)));
				el.play().catch(reject);
				setTimeout(() => reject(new Error("the recording did not play")), 10000);
			})
	);
	assert.ok(played > 0.5, `duration ${played}`);
	await page.screenshot({ path: `${ARTIFACTS}/inbound-recording.png` });
});

const failed = await run_checks(browser, checks, { label: "inbound", prefix: "inbound-" });
await browser.close();
process.exit(failed ? 1 : 0);

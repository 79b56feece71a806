// Desk checks in Chromium: the Log Call dialog from the Lead form and from a missed call, a refused call
// kept open under Frappe's message, and the settings' "Run now". Every check fails on a console error.
// Run by dev/browser-test, which starts the bench's web server on 127.0.0.1 and seeds users and leads.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import {
	launch_browser,
	run_checks,
	open_form,
	frappe_slug,
	open_log_call,
	wait_dialog,
	field,
	effect,
	pick_status,
	save_call,
	lead_status,
	list_headers,
	open_list,
} from "./lib.mjs";
import { stumble_checks } from "./stumbles.mjs";

const { BASE_URL, SITE, ARTIFACTS = "/tmp/csc-browser-artifacts", BENCH_PATH } = process.env;
const SEED = JSON.parse(process.env.SEED);
const { agent: AGENT, manager: MANAGER, leads: LEADS } = SEED;

const browser = await launch_browser(SITE);

const checks = [];
const check = (name, user, fn) => checks.push({ name, user, fn });

for (const [user, suffix] of [
	[AGENT, ""],
	[MANAGER, "-manager"],
]) {
	check(
		`lists: Call Status list (title, code once, lead status, who sees it) as ${user}`,
		user,
		async (page) => {
			await open_list(page, "Call Status");
			const headers = await list_headers(page);
			for (const label of [
				"Title",
				"Code",
				"Sort Order",
				"Direction",
				"Lead Status",
				"Show to Agents",
				"Show to AI Agents",
			]) {
				assert.equal(headers.filter((h) => h === label).length, 1, `${label} once in ${headers}`);
			}
			assert.equal(await page.locator(".list-row-head", { hasText: "ID" }).count(), 0);
			await page.screenshot({
				path: `${ARTIFACTS}/call-status-list${suffix}.png`,
			});
		}
	);
}

check(
	"lists: the call list (lead name, status once, time, duration, agent, follow-up)",
	AGENT,
	async (page) => {
		await open_list(page, "Lead Call Log");
		const headers = await list_headers(page);
		for (const label of [
			"Lead Name",
			"Direction",
			"Call Time",
			"Duration (Seconds)",
			"Agent",
			"Follow-up Status",
		]) {
			assert.ok(headers.includes(label), `${label} in ${headers}`);
		}
		assert.ok(!headers.includes("Call Status"), `the status is the indicator only: ${headers}`);
		const filters = await page.locator(".standard-filter-section .frappe-control").count();
		assert.ok(filters <= 6, `${filters} standard filters`);
		assert.ok(!headers.includes("ID"), `no ID column: ${headers}`);
		await page.screenshot({ path: `${ARTIFACTS}/lead-call-log-list.png` });
	}
);

check("call form: the badge is the status title, not its code", AGENT, async (page) => {
	await open_form(page, "Lead Call Log", SEED.missed_call);
	const badge = await page.locator(".page-head .indicator-pill").first().innerText();
	assert.ok(["Missed", "Called back"].includes(badge.trim()), `badge ${badge}`);
});

for (const report of [
	"Call Status Summary",
	"Agent Call Performance",
	"Campaign Call Performance",
	"Missed Call Service Level",
]) {
	check(`report: ${report} as an agent with an Employee record`, AGENT, async (page) => {
		await page.goto(`${BASE_URL}/app/query-report/${encodeURIComponent(report)}`);
		await page.locator(".report-wrapper .dt-row-0, .report-wrapper .no-result").first().waitFor();
		await page.waitForTimeout(800);
		assert.equal(await page.locator(".modal.show", { hasText: "permission" }).count(), 0);
		// the server shows an agent their own calls whatever an Agent filter says: they get none
		assert.equal(await page.evaluate(() => !!frappe.query_report.get_filter("agent")), false);
		const agents = await page.evaluate(() =>
			(frappe.query_report.data || []).map((row) => row.agent).filter(Boolean)
		);
		assert.ok(
			agents.every((agent) => agent === AGENT),
			`agents ${agents}`
		);
		// at 1366 pixels no column header is cut ("Connect R…"): each label fits its cell
		const cut = await page.evaluate(() =>
			[...document.querySelectorAll(".report-wrapper .dt-header .dt-cell__content")]
				.filter((cell) => cell.textContent.trim() && cell.scrollWidth > cell.clientWidth)
				.map((cell) => cell.textContent.trim())
		);
		assert.deepEqual(cut, [], `headers cut: ${cut}`);
		await page.screenshot({
			path: `${ARTIFACTS}/report-${report.toLowerCase().replace(/ /g, "-")}.png`,
			fullPage: true,
		});
	});
}

check("(a) Busy: the Lead becomes Not Picked", AGENT, async (page) => {
	await open_form(page, "Lead", LEADS.busy);
	assert.equal(await lead_status(page), "Lead");
	const dialog = await open_log_call(page);
	const offered = await field(dialog, "call_status").locator("option").allTextContents();
	assert.ok(offered.includes("Busy"), `Busy offered: ${offered}`);
	assert.ok(!offered.includes("In-progress"), `hidden statuses are not offered: ${offered}`);
	assert.ok(!offered.includes("Missed"), `incoming-only statuses are not offered: ${offered}`);
	assert.equal(
		await field(dialog, "phone").locator("input").inputValue(),
		await page.evaluate(() => cur_frm.doc.mobile_no),
		"the Lead's mobile number is prefilled"
	);
	await pick_status(page, dialog, "Busy");
	assert.match(await effect(dialog), /The Lead becomes: Not Picked/);
	assert.equal(await field(dialog, "lead_status").isVisible(), false);
	await save_call(page, dialog);
	await page.waitForFunction(() => cur_frm.doc.status === "Not Picked");
});

check("(a2) Called on a Not Picked lead: Replied is preselected", AGENT, async (page) => {
	await open_form(page, "Lead", LEADS.busy);
	assert.equal(await lead_status(page), "Not Picked");
	const dialog = await open_log_call(page);
	await pick_status(page, dialog, "Called");
	const picker = field(dialog, "lead_status");
	await picker.waitFor({ state: "visible" });
	assert.equal(await picker.locator("select").inputValue(), "Replied");
	const choices = await picker.locator("option").allTextContents();
	for (const protected_status of ["Converted", "Opportunity", "Quotation", "Do Not Contact"]) {
		assert.ok(!choices.includes(protected_status), `${protected_status} offered: ${choices}`);
	}
	assert.match(await effect(dialog), /The Lead becomes: Replied/);
	// Busy sets its own lead status: no picker.
	await pick_status(page, dialog, "Busy");
	assert.equal(await picker.isVisible(), false);
	await pick_status(page, dialog, "Called");
	await picker.waitFor({ state: "visible" });
	await field(dialog, "duration").locator("input").fill("40");
	await save_call(page, dialog);
	await page.waitForFunction(() => cur_frm.doc.status === "Replied");
});

check("(b) Follow up: the Lead becomes Followups and a ToDo exists", AGENT, async (page) => {
	await open_form(page, "Lead", LEADS.follow_up);
	const dialog = await open_log_call(page);
	const follow_up = field(dialog, "follow_up_at");
	assert.equal(await follow_up.isVisible(), false);
	await pick_status(page, dialog, "Follow up");
	await follow_up.waitFor({ state: "visible" });
	await page.waitForFunction(
		() => document.querySelector('.modal.show [data-fieldname="follow_up_at"] input')?.value
	);
	assert.match(await effect(dialog), /The Lead becomes: Followups/);
	await field(dialog, "duration").locator("input").fill("75");
	await field(dialog, "note").locator("textarea").fill("Wants a demo next week");
	await page.screenshot({
		path: `${ARTIFACTS}/lead-form-log-call-dialog.png`,
	});
	await save_call(page, dialog);
	await page.waitForFunction(() => cur_frm.doc.status === "Followups");
	const todos = await page.evaluate(
		(lead) =>
			frappe.db.get_list("ToDo", {
				filters: {
					reference_type: "Lead",
					reference_name: lead,
					status: "Open",
				},
				fields: ["name", "allocated_to", "description"],
			}),
		LEADS.follow_up
	);
	assert.equal(todos.length, 1, JSON.stringify(todos));
	assert.equal(todos[0].allocated_to, AGENT);
	assert.match(todos[0].description, /Wants a demo next week/);
});

check(
	"(c) a refused call stays open with its note; Esc closes only the message",
	AGENT,
	async (page) => {
		await open_form(page, "Lead", LEADS.refused);
		const dialog = await open_log_call(page);
		await pick_status(page, dialog, "No Answer");
		await field(dialog, "duration").locator("input").fill("100000");
		await field(dialog, "note").locator("textarea").fill("Rang twice, no pickup");
		// The refusal itself is logged by the browser (HTTP 417) and by Frappe (the server's traceback).
		page.expected.push(/status of 417/, /InvalidDurationError/);
		await dialog.getByRole("button", { name: "Save Call" }).click();
		const message = page.locator(".modal.show", {
			hasText: "longer than a day",
		});
		await message.waitFor();
		await page.waitForFunction(
			() => cur_dialog === frappe.msg_dialog && frappe.msg_dialog.display
		);
		await page.screenshot({ path: `${ARTIFACTS}/log-call-refused.png` });
		await page.keyboard.press("Escape");
		await message.waitFor({ state: "hidden" });
		await page.waitForTimeout(600);
		assert.ok(await dialog.isVisible(), "the Log Call dialog is still open");
		assert.equal(
			await field(dialog, "note").locator("textarea").inputValue(),
			"Rang twice, no pickup"
		);
		const save = dialog.getByRole("button", { name: "Save Call" });
		assert.ok(!(await save.getAttribute("class")).includes("disabled"), "Save is enabled");
		assert.equal(await lead_status(page), "Lead", "nothing was saved");
		await field(dialog, "duration").locator("input").fill("0");
		await save_call(page, dialog);
		await page.waitForFunction(() => cur_frm.doc.status === "Not Picked");
		assert.deepEqual(page.expected, [], "the refusal was logged as expected");
	}
);

check(
	"(d) Call back on a missed call logs the outgoing call; the call shows Called back",
	AGENT,
	async (page) => {
		await open_form(page, "Lead Call Log", SEED.missed_call);
		const call_back = page.getByRole("button", { name: "Call back" });
		await call_back.waitFor();
		await call_back.click();
		const dialog = await wait_dialog(page);
		assert.equal(await field(dialog, "direction").locator("select").inputValue(), "Outgoing");
		assert.equal(await field(dialog, "phone").locator("input").inputValue(), "+919876500001");
		await pick_status(page, dialog, "Called");
		// the missed call made the Lead Missed (recycled): a reached lead goes to Replied
		assert.equal(await field(dialog, "lead_status").locator("select").inputValue(), "Replied");
		await field(dialog, "duration").locator("input").fill("75");
		await save_call(page, dialog);
		await page.waitForFunction(() => !!cur_frm.doc.called_back_at);
		await page.reload();
		await open_form(page, "Lead Call Log", SEED.missed_call);
		assert.equal(await call_back.count(), 0, "no Call back once called back");
		await page.locator(".form-message", { hasText: "Called back at" }).waitFor();
		assert.equal(
			(await page.locator(".indicator-pill", { hasText: "Called back" }).count()) > 0,
			true
		);
		await page.screenshot({ path: `${ARTIFACTS}/missed-call-called-back.png` });
		const calls = await page.evaluate(
			(lead) =>
				frappe.db.get_list("Lead Call Log", {
					filters: { lead, direction: "Outgoing" },
					fields: ["call_status", "phone", "duration", "lead_status"],
				}),
			LEADS.call_back
		);
		assert.deepEqual(calls, [
			{
				call_status: "called",
				phone: "+919876500001",
				duration: 75,
				lead_status: "Replied",
			},
		]);
	}
);

check("(e) settings: Run now queues a run that fills the last run", MANAGER, async (page) => {
	const settings = "Call Status CRM Settings";
	await open_form(page, settings, settings);
	const onload = await page.evaluate(() => cur_frm.doc.__onload || {});
	const gaps = (onload.telephony_uncovered || []).length || onload.telephony_unmapped_calls;
	const headline = page.locator(".form-message", { hasText: "telephony" });
	assert.equal(
		await headline.isVisible(),
		!!gaps,
		`telephony headline for ${JSON.stringify(onload)}`
	);
	await page.screenshot({ path: `${ARTIFACTS}/settings.png` });
	const before = await page.evaluate(() => cur_frm.doc.last_run_at || "");
	await page.getByRole("button", { name: "Run now" }).click();
	await page
		.locator(".alert-message, .desk-alert", { hasText: /Re-assignment run/ })
		.first()
		.waitFor();
	// bench as dev/lib.sh finds it (the bench CLI, or Frappe's own entry point when it is not on PATH)
	const bench = ["-c", 'source "$LIB_SH" && bench_cmd "$@"', "bench"];
	execFileSync("bash", [...bench, "--site", SITE, "worker", "--queue", "long", "--burst"], {
		env: { ...process.env, BENCH_PATH },
		stdio: "ignore",
		timeout: 120000,
	});
	// reload the form in place (a page reload races socket.io's polling and logs its 400)
	await page.evaluate(() => cur_frm.reload_doc());
	await page.waitForFunction((before) => (cur_frm.doc.last_run_at || "") !== before, before);
	const summary = await page.evaluate(() => cur_frm.doc.last_run_summary || "");
	assert.match(summary, /"reassigned"/);
	// shown in words, not as JSON
	const shown = await page.locator('[data-fieldname="last_run_summary_html"]').innerText();
	assert.match(shown, /due leads re-assigned/);
	assert.doesNotMatch(shown, /[{}"]/);
	await page.screenshot({ path: `${ARTIFACTS}/settings-after-run.png` });
});

stumble_checks(check);

const failed = await run_checks(browser, checks, { label: "" });
await browser.close();
process.exit(failed ? 1 : 0);

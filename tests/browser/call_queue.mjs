// The Call Queue page in Chromium (DESIGN.md §9): an agent opens it, dials, logs a Busy call from the Log
// Call dialog in place, presses Next and gets the next lead; a refused call keeps the page usable. Fails on
// any console error. Run by dev/browser-test after desk.mjs (same server, same seeded users); it seeds and
// removes its own two leads, assigned to the agent, and sets the agent's other open lead assignments aside
// for the run (restored after).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { launch_browser, run_checks, wait_dialog, field, pick_status } from "./lib.mjs";

const { BASE_URL, SITE, ARTIFACTS = "/tmp/csc-browser-artifacts", BENCH_PATH } = process.env;
const SEED = JSON.parse(process.env.SEED);
const AGENT = SEED.agent;

function site_python(code, ...args) {
	const prelude = `import json, sys\nimport frappe\nfrappe.init(site=sys.argv[1])\nfrappe.connect()\n`;
	return execFileSync(`${BENCH_PATH}/env/bin/python`, ["-c", prelude + code, SITE, ...args], {
		cwd: `${BENCH_PATH}/sites`,
		encoding: "utf8",
	})
		.trim()
		.split("\n")
		.pop();
}

const seeded = JSON.parse(
	site_python(
		`
from call_status_crm.tests.utils import make_lead
agent = sys.argv[2]
settings = frappe.get_single("Call Status CRM Settings")
before = {"calling_rules_enabled": settings.calling_rules_enabled}
frappe.db.set_single_value("Call Status CRM Settings", "calling_rules_enabled", 0)
todo = frappe.qb.DocType("ToDo")
aside = frappe.get_all("ToDo", filters={"allocated_to": agent, "status": "Open", "reference_type": "Lead"}, pluck="name")
if aside:
	frappe.qb.update(todo).set(todo.status, "Cancelled").where(todo.name.isin(aside)).run()
tag = frappe.generate_hash(length=6)
leads = []
import random
base = random.randint(100_000, 999_000) * 10
for n in range(2):
	lead = make_lead(f"CSC Queue Browser {n} {tag}", mobile_no=f"+91987{base + n:07d}").name
	frappe.get_doc({"doctype": "ToDo", "allocated_to": agent, "reference_type": "Lead", "reference_name": lead, "description": "CSC queue browser"}).insert(ignore_permissions=True)
	leads.append(lead)
frappe.cache.delete_value(f"call_status_crm:call_queue_skips:{agent}")
frappe.db.commit()
print(json.dumps({"leads": leads, "aside": aside, "before": before}))
`,
		AGENT
	)
);
const [FIRST, SECOND] = seeded.leads;

function cleanup() {
	site_python(
		`
data = json.loads(sys.argv[2])
for name in frappe.get_all("Lead Call Log", filters={"lead": ("in", data["leads"])}, pluck="name"):
	frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": ("in", data["leads"])})
for lead in data["leads"]:
	frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
if data["aside"]:
	todo = frappe.qb.DocType("ToDo")
	frappe.qb.update(todo).set(todo.status, "Open").where(todo.name.isin(data["aside"])).run()
frappe.db.set_single_value("Call Status CRM Settings", data["before"])
frappe.cache.delete_value(f"call_status_crm:call_queue_skips:{sys.argv[3]}")
frappe.db.commit()
print("ok")
`,
		JSON.stringify(seeded),
		AGENT
	);
}

const browser = await launch_browser(SITE);

const shown_lead = (page) =>
	page.locator(".csc-queue-lead a").getAttribute("href").then((href) => decodeURIComponent(href.split("/").pop()));

async function wait_lead(page, lead) {
	await page.waitForFunction(
		(lead) => document.querySelector(".csc-queue-lead a")?.getAttribute("href")?.endsWith(encodeURIComponent(lead)),
		lead
	);
}

const name = "call queue: open, dial, log Busy in place, Next gives the next lead; a refused call keeps the page usable";
const check = async (page) => {
	await page.goto(`${BASE_URL}/app/call-queue`);
	await wait_lead(page, FIRST);
	// the dial is the operating system's (tel:): recorded here instead of leaving the browser
	await page.evaluate(() => {
		document.addEventListener(
			"click",
			(e) => {
				const link = e.target.closest('a[href^="tel:"]');
				if (link) {
					window.csc_dialled = link.getAttribute("href");
					e.preventDefault();
				}
			},
			true
		);
	});
	assert.match(await page.locator(".csc-queue-reason").innerText(), /never called/);
	assert.ok(await page.locator(".csc-queue-local").isVisible(), "the lead's local time is shown");
	await page.keyboard.press("d");
	assert.match(await page.evaluate(() => window.csc_dialled), /^tel:\+91987\d{7}$/);
	await page.screenshot({ path: `${ARTIFACTS}/call-queue.png` });

	await page.keyboard.press("l");
	let dialog = await wait_dialog(page);
	await pick_status(page, dialog, "Busy");
	await dialog.getByRole("button", { name: "Save Call" }).click();
	await dialog.waitFor({ state: "hidden" });
	await page.locator(".csc-queue-logged").waitFor();
	assert.equal(await shown_lead(page), FIRST);

	await page.getByRole("button", { name: "Next" }).click();
	await wait_lead(page, SECOND);

	// a refused call (a duration longer than a day): the message, Esc, the dialog closed, the page goes on
	await page.locator(".csc-log").click();
	dialog = await wait_dialog(page);
	await pick_status(page, dialog, "No Answer");
	await field(dialog, "duration").locator("input").fill("100000");
	page.expected.push(/status of 417/, /InvalidDurationError/);
	await dialog.getByRole("button", { name: "Save Call" }).click();
	await page.locator(".modal.show", { hasText: "longer than a day" }).waitFor();
	await page.keyboard.press("Escape");
	await page.waitForTimeout(600);
	await dialog.locator(".btn-modal-close").click();
	await dialog.waitFor({ state: "hidden" });
	assert.equal(await shown_lead(page), SECOND, "the page still shows the lead");
	await page.keyboard.press("s"); // skip it: nothing else is due (the first was just called)
	await page.getByText("Nothing to call right now").waitFor();
	await page.waitForTimeout(800);
	assert.equal(await page.locator(".modal-backdrop").count(), 0, "no modal backdrop left over the page");
	await page.getByRole("button", { name: "Next" }).click(); // the page still answers
	await page.getByText("Nothing to call right now").waitFor();
	await page.screenshot({ path: `${ARTIFACTS}/call-queue-empty.png` });
	assert.deepEqual(page.expected, [], "the refusal was logged as expected");
};
let failed = 1;
try {
	failed = await run_checks(browser, [{ name, user: AGENT, fn: check }], { label: "call queue", prefix: "call-queue-" });
} finally {
	await browser.close();
	cleanup();
}
process.exit(failed ? 1 : 0);

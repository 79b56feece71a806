// Helpers of the desk checks (desk.mjs, stumbles.mjs, inbound.mjs, call_queue.mjs): Chromium, the run of the
// checks, a logged-in page that collects console errors, forms, lists and the Log Call dialog.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const { BASE_URL, ARTIFACTS = "/tmp/csc-browser-artifacts" } = process.env;
const { password: PASSWORD } = JSON.parse(process.env.SEED);

// Debian's Chromium, headless, with the site's name resolved to this machine.
export function launch_browser(site, extra_args = []) {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			...extra_args,
			`--host-resolver-rules=MAP ${site} 127.0.0.1`,
		],
	});
}

// Runs each check ({ name, user, fn }) on a fresh page logged in as its user, on a laptop's screen: a check
// fails on what it throws or on a console error (a failed one leaves a screenshot, `failed-<prefix><n>.png`).
// Prints a line per check and the counts; returns the number that failed.
export async function run_checks(browser, checks, { label, prefix = "" }) {
	let passed = 0;
	let failed = 0;
	for (const [index, { name, user, fn }] of checks.entries()) {
		const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
		let page = { errors: [], screenshot: async () => {} };
		try {
			page = await open_page(context, user);
			await fn(page);
			await page.waitForTimeout(300);
			assert.deepEqual(without_realtime_races(page), [], "console errors");
			passed += 1;
			console.log(`ok   ${name}`);
		} catch (error) {
			failed += 1;
			console.log(`FAIL ${name}\n     ${String(error.stack || error).split("\n").join("\n     ")}`);
			if (page.errors.length) console.log(`     console: ${JSON.stringify(page.errors)}`);
			if (page.failed_requests?.length) {
				console.log(`     failed requests: ${JSON.stringify(page.failed_requests)}`);
			}
			await page.screenshot({ path: `${ARTIFACTS}/failed-${prefix}${index}.png` }).catch(() => {});
		} finally {
			await context.close();
		}
	}
	console.log(`browser${label ? ` (${label})` : ""}: ${passed} passed, ${failed} failed`);
	return failed;
}

// A fresh, logged-in page whose console errors and page errors are collected. `expect_errors` lets one
// step accept the console errors it causes on purpose (a refused request), by pattern, once each.
export async function open_page(context, user) {
	const page = await context.newPage();
	page.setDefaultTimeout(20000);
	// (the browser resolves the site's name to 127.0.0.1; Node's own requests would not)
	await page.goto(`${BASE_URL}/login`);
	const status = await page.evaluate(
		([usr, pwd]) =>
			fetch("/api/method/login", {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ usr, pwd }),
			}).then((r) => r.status),
		[user, PASSWORD]
	);
	assert.equal(status, 200, `login as ${user}`);
	page.errors = [];
	page.expected = [];
	const record = (text) => {
		const index = page.expected.findIndex((pattern) => pattern.test(text));
		if (index >= 0) page.expected.splice(index, 1);
		else page.errors.push(text);
	};
	page.on("console", (message) => {
		if (message.type() === "error") record(message.text());
	});
	page.on("pageerror", (error) => record(`pageerror: ${error.stack || error}`));
	// the browser's "Failed to load resource" line does not say which: keep the failed requests' URLs
	page.failed_requests = [];
	page.on("response", (response) => {
		if (response.status() >= 400) {
			page.failed_requests.push(
				`${response.status()} ${response.request().method()} ${response.url()}`
			);
		}
	});
	return page;
}

// Frappe's realtime client polls socket.io until its websocket is up; a poll still in flight when the
// page navigates or the websocket takes over is answered 400 ("Session ID unknown") and the browser logs
// "Failed to load resource … 400". That is the transport's race, not an error of the app: such lines are
// dropped, one per such 400 response, and nothing else.
export function without_realtime_races(page) {
	let races = page.failed_requests.filter((r) =>
		/^400 \w+ \S+\/socket\.io\/\?.*sid=/.test(r)
	).length;
	return page.errors.filter((text) => {
		// frappe-charts redraws a chart from a ResizeObserver; when the report page has already replaced
		// that chart's element (a new run, the window settling at 1366x768), the stale redraw's removeChild
		// throws inside Frappe's own bundle. Only that signature is dropped: the stack must be the chart's
		// ResizeObserver draw in Frappe's desk bundle.
		if (
			/^pageerror: NotFoundError: Failed to execute 'removeChild' on 'Node'/.test(text) &&
			/at (?:ResizeObserver\.)?boundDrawFn \(\S+\/assets\/frappe\/dist\/js\/desk\.bundle\.\w+\.js/.test(text)
		) {
			return false;
		}
		if (
			races > 0 &&
			/Failed to load resource: the server responded with a status of 400/.test(text)
		) {
			races -= 1;
			return false;
		}
		return true;
	});
}

export async function open_form(page, doctype, name) {
	await page.goto(`${BASE_URL}/app/${frappe_slug(doctype)}/${encodeURIComponent(name)}`);
	await page.waitForFunction(
		([doctype, name]) =>
			window.cur_frm?.doctype === doctype &&
			cur_frm.doc?.name === name &&
			!cur_frm.is_dirty() &&
			document.querySelector(".page-head .page-title .title-text")?.offsetParent,
		[doctype, name]
	);
	// the form's refresh (custom buttons, intro) has run once the page actions are drawn
	await page.waitForTimeout(300);
}

export const frappe_slug = (doctype) => doctype.toLowerCase().replace(/ /g, "-");

export async function open_log_call(page) {
	await page.getByRole("button", { name: "Calls" }).click();
	await page.getByText("Log Call", { exact: true }).click();
	return wait_dialog(page);
}

export async function wait_dialog(page) {
	const dialog = page.locator(".modal.show", { hasText: "Log Call with" });
	await dialog.waitFor();
	await page.waitForFunction(
		() => document.querySelectorAll('.modal.show [data-fieldname="call_status"] option').length > 1
	);
	return dialog;
}

export const field = (dialog, name) => dialog.locator(`div.frappe-control[data-fieldname="${name}"]`);
export const effect = (dialog) => field(dialog, "lead_status_effect").innerText();

export async function pick_status(page, dialog, label) {
	await field(dialog, "call_status").locator("select").selectOption({ label });
	await page.waitForTimeout(150);
}

export async function save_call(page, dialog) {
	await dialog.getByRole("button", { name: "Save Call" }).click();
	await dialog.waitFor({ state: "hidden" });
}

export const lead_status = (page) => page.evaluate(() => cur_frm.doc.status);

export const list_headers = (page) =>
	page
		.locator(".list-row-head .list-row-col")
		.evaluateAll((cols) => cols.map((col) => col.innerText.trim()).filter(Boolean));

export async function open_list(page, doctype) {
	await page.goto(`${BASE_URL}/app/${frappe_slug(doctype)}`);
	await page.locator(".frappe-list .result, .frappe-list .no-result").first().waitFor();
	await page.waitForTimeout(500);
}

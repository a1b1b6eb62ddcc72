// Regenerates the README screenshot from the demo scenario: `npx tsx scripts/screenshot.ts [out.png]`.
// Needs a production build (`npx next build`) and Debian chromium.
import { chromium } from "@playwright/test";
import { startApp } from "../test-support/app-server";
import { scenarioPrometheus } from "../test-support/fixtures";

async function main() {
  const out = process.argv[2] ?? "public/demo-screenshot.png";
  const { prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" });
  const app = await startApp({ APISCOPE_PROMETHEUS_URL: prom.url, APISCOPE_CLUSTER_NAME: "demo (Kubernetes 1.30)" });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: Number(process.env.HEIGHT ?? 900) }, deviceScaleFactor: 1 });
    // Mid-incident: the range ends while the LIST storm is still on, as the SRE paged for it sees it.
    const { stormStart, stormEnd } = scenario.timeline;
    const scroll = process.env.SCROLL_TO;
    await page.goto(`${app.url}/?from=${(stormStart - 3600) * 1000}&to=${(stormEnd - 300) * 1000}&tz=utc`);
    if (process.env.THEME === "dark") await page.evaluate(() => (document.documentElement.dataset.theme = "dark"));
    if (scroll) await page.locator(`#panel-${scroll}`).scrollIntoViewIfNeeded();
    await page.waitForTimeout(Number(process.env.WAIT_MS ?? 2500));
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await app.stop();
    await prom.stop();
  }
}
void main();

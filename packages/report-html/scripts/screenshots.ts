// Renders the sample report in each palette, opens it in Debian's chromium
// and saves a full-page screenshot to docs/report-<palette>.png. After a
// build: npx -y pnpm@10 --filter processes-report-html screenshots
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PALETTE_NAMES, renderReportHtml } from '../dist/index.js';
import { launchChromium } from '../test/fixtures/chromium.js';
import { screenshotReport, T0 } from '../test/fixtures/reports.js';

// The header shows local times; pin them so the pictures do not depend on the machine.
process.env['TZ'] = 'UTC';

const report = screenshotReport();
const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'report-screenshots-'));
const browser = await launchChromium();
try {
  for (const palette of PALETTE_NAMES) {
    const file = join(work, `${palette}.html`);
    writeFileSync(file, renderReportHtml(report, { palette, content: 'full', date: T0 }));
    const page = await browser.newPage({ viewport: { width: 860, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
    const out = join(docs, `report-${palette}.png`);
    await page.screenshot({ path: out, fullPage: true });
    await page.close();
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}

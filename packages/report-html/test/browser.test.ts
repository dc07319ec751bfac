// Opens rendered reports in a real browser (Debian's chromium driven by
// playwright-core) as a user who saved the report to a file would, and
// checks what is on screen: the task rows and the timeline bars.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ProcessExecutionReport } from 'processes-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PALETTE_NAMES, type RenderOptions, renderReportHtml } from '../dist/index.js';
import { CHROMIUM, launchChromium } from './fixtures/chromium.js';
import { abortedReport, HOSTILE, hostileReport, ordersReport } from './fixtures/reports.js';

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (CHROMIUM === undefined) return; // skipped below; the global setup said so in one line
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'processes-report-html-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Saves the report as a file and opens it; any request leaving the file is recorded and refused. */
async function open(
  report: ProcessExecutionReport,
  options: RenderOptions = {},
  width = 900,
): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, renderReportHtml(report, options));
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, dialogs };
}

interface Box {
  x: number;
  width: number;
}

/** Each timeline bar and the track it sits on, by task name. */
async function bars(page: Page): Promise<Map<string, { bar: Box; track: Box; status: string }>> {
  const rows = await page.$$eval('tr[data-timeline-row]', (trs) =>
    trs.flatMap((tr) => {
      const bar = tr.querySelector('[data-bar]');
      const track = bar?.closest('table');
      if (!bar || !track) return [];
      const b = bar.getBoundingClientRect();
      const t = track.getBoundingClientRect();
      return [
        {
          name: tr.getAttribute('data-timeline-row') ?? '',
          status: bar.getAttribute('data-bar') ?? '',
          bar: { x: b.x, width: b.width },
          track: { x: t.x, width: t.width },
        },
      ];
    }),
  );
  return new Map(rows.map(({ name, ...rest }) => [name, rest]));
}

describe.skipIf(CHROMIUM === undefined)('a saved report in a browser', () => {
  it.each(PALETTE_NAMES)('%s: shows every task row and the summary', async (palette) => {
    const { page, requests } = await open(ordersReport(), { palette });
    for (const name of ['fetch_inventory', 'archive_logs', 'enrich_pricing', 'charge_payments', 'ship_orders']) {
      await expect.poll(() => page.locator(`[data-task="${name}"]`).isVisible()).toBe(true);
      expect(await page.locator(`[data-timeline-row="${name}"]`).isVisible()).toBe(true);
    }
    expect(await page.title()).toBe('Process Report: orders-pipeline');
    expect(await page.locator('h1').textContent()).toBe('Process Execution Report');
    expect(await page.locator('[data-task="charge_payments"] pre').first().textContent()).toContain('card declined');
    expect(requests).toEqual([]);
    await page.close();
  });

  it('draws timeline bars whose widths and positions follow the run', async () => {
    const { page } = await open(ordersReport());
    const placed = await bars(page);
    // The run is 500 ms: [start, end] of each task that ran, in ms.
    const expected: Record<string, [number, number]> = {
      fetch_inventory: [0, 100],
      archive_logs: [0, 250],
      enrich_pricing: [100, 400],
      charge_payments: [400, 500],
    };
    expect([...placed.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, [start, end]] of Object.entries(expected)) {
      const { bar, track } = placed.get(name) ?? expect.unreachable();
      expect(track.width).toBeGreaterThan(300);
      // Within two pixels of the exact place on a track several hundred pixels wide.
      expect(Math.abs(bar.width - ((end - start) / 500) * track.width), `${name} width`).toBeLessThan(2);
      expect(Math.abs(bar.x - track.x - (start / 500) * track.width), `${name} start`).toBeLessThan(2);
      expect(bar.x + bar.width).toBeLessThanOrEqual(track.x + track.width + 0.5);
    }
    expect(placed.get('charge_payments')?.status).toBe('errored');
    // Bars have colour and height on screen, not only in the markup.
    const look = await page.$eval('[data-bar="errored"]', (el) => {
      const style = getComputedStyle(el);
      return { color: style.backgroundColor, height: el.getBoundingClientRect().height };
    });
    expect(look.color).toBe('rgb(239, 68, 68)');
    expect(look.height).toBeGreaterThanOrEqual(8);
    await page.close();
  });

  it('draws the wait for a thread before the bar, and colours badge, card edge and bar alike', async () => {
    const { page } = await open(abortedReport());
    const wait = await page.$eval('[data-wait="parse"]', (el) => {
      const box = el.getBoundingClientRect();
      const track = el.closest('table')?.getBoundingClientRect();
      const bar = el.parentElement?.querySelector('[data-bar]')?.getBoundingClientRect();
      return { x: box.x, width: box.width, trackX: track?.x ?? 0, trackWidth: track?.width ?? 0, barX: bar?.x ?? 0 };
    });
    // The run is 500 ms; parse waited 0–300 ms, then its bar starts where the wait ends.
    expect(Math.abs(wait.x - wait.trackX)).toBeLessThan(2);
    expect(Math.abs(wait.width - 0.6 * wait.trackWidth)).toBeLessThan(2);
    expect(Math.abs(wait.barX - (wait.x + wait.width))).toBeLessThan(1);
    for (const [task, status] of [
      ['fetch', 'errored'],
      ['load', 'cancelled'],
    ] as const) {
      const colours = await page.$eval(
        `[data-task="${task}"]`,
        (card, status) => ({
          edge: getComputedStyle(card).borderLeftColor,
          badge: getComputedStyle(card.querySelector(`[data-badge="${status}"]`) as Element).backgroundColor,
          bar: getComputedStyle(document.querySelector(`[data-bar="${status}"]`) as Element).backgroundColor,
        }),
        status,
      );
      expect(colours.badge, task).toBe(colours.edge);
      expect(colours.bar, task).toBe(colours.edge);
    }
    await page.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const { page } = await open(ordersReport(), {}, 375);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
    expect(await page.locator('[data-task="charge_payments"]').isVisible()).toBe(true);
    await page.close();
  });

  it('shows hostile names and messages as text and runs nothing', async () => {
    const { page, requests, dialogs } = await open(hostileReport());
    expect(await page.locator('script, img, iframe, object').count()).toBe(0);
    const text = await page.locator('body').textContent();
    expect(text).toContain(`bad ${HOSTILE}`);
    expect(text).toContain(`message ${HOSTILE}`);
    expect(await page.title()).toBe(`Process Report: etl ${HOSTILE}`);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

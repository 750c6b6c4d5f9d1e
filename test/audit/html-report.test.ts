// The HTML report opened in headless Chromium (Debian's `chromium` package): the graph and the
// growth chart are drawn, nothing is fetched from the network, and a screenshot of the
// repository's own chain is saved for the README.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { audit } from '../../src/audit/audit.js';
import { describeFinding, severityOf } from '../../src/audit/findings.js';
import { renderHtml } from '../../src/audit/render-html.js';
import type { AuditReport } from '../../src/audit/report.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { DISTFILES } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { BUSYBOX_BYTES, cleanStages, makeAuditRig, type AuditRig } from './chain-rig.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
/** The README's picture; the suite itself writes to a temporary file so a test run leaves the tree clean. */
export const README_SCREENSHOT = join(REPO, 'src', 'audit', 'report-screenshot.png');
const refreshReadmeScreenshot = process.env.KINDLING_REFRESH_SCREENSHOT === '1';

let browser: BrowserContext;
let userDataDir: string;
const rigs: AuditRig[] = [];

beforeAll(async () => {
  userDataDir = await mkdtemp(join(tmpdir(), 'kindling-chromium-'));
  // A temporary profile: launchPersistentContext passes it as --user-data-dir.
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1180, height: 1400 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await rm(userDataDir, { recursive: true, force: true });
  for (const rig of rigs) await rig.cleanup();
});

/** Opens the report's HTML; every request other than the page itself is refused and counted. */
async function open(report: AuditReport, dir: string): Promise<{ page: Page; outside: string[] }> {
  const file = join(dir, 'report.html');
  await writeFile(file, renderHtml(report));
  const page = await browser.newPage();
  const outside: string[] = [];
  const url = pathToFileURL(file).href;
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  return { page, outside };
}

describe('HTML audit report', () => {
  it('draws the chain as a graph and its growth as a chart, loading nothing from outside', async () => {
    const rig = await makeAuditRig(await cleanStages());
    rigs.push(rig);
    const run = await bootstrap({
      chain: await loadChain(rig.chainDir),
      store: await Store.open(rig.storeDir),
      sandbox: createBwrapSandbox(),
    });
    expect(run.ok).toBe(true);
    const report = await audit({ chainDir: rig.chainDir, records: rig.storeDir });
    const { page, outside } = await open(report, rig.dir);

    expect(await page.title()).toBe('kindling audit — chain audit-rig');
    expect(await page.locator('.verdict').textContent()).toBe('PASS');
    expect(await page.locator('svg.graph g.node[data-kind="stage"]').count()).toBe(report.stages.length);
    expect(await page.locator('svg.graph g.node[data-kind="seed"]').count()).toBe(2);
    expect(await page.locator('svg.graph path.edge').count()).toBe(report.graph.edges.length);
    // Stage 'second' sits below 'first', which it takes its inputs from.
    const first = await page.locator('svg.graph g.node[data-id="stage:first"]').boundingBox();
    const second = await page.locator('svg.graph g.node[data-id="stage:second"]').boundingBox();
    expect(second!.y).toBeGreaterThan(first!.y + first!.height);
    // One chart row for the seeds and one per stage; the seeds' bar is the size of both busybox copies.
    expect(await page.locator('svg.growth g.row').count()).toBe(report.stages.length + 1);
    expect(await page.locator('svg.growth rect.lines-bar').count()).toBe(report.stages.length + 1);
    expect(await page.locator('svg.growth rect.bytes-bar.seed title').textContent()).toBe(`${2 * (await BUSYBOX_BYTES()).length} bytes`);
    // Clicking a stage lights its edges and opens its details with the hashes.
    await page.locator('svg.graph g.node[data-id="stage:second"]').click();
    expect(await page.locator('svg.graph path.edge.lit').count()).toBe(2);
    expect(await page.locator('details#stage-second').getAttribute('open')).toBe('');
    expect(await page.locator('details#stage-second').textContent()).toContain('first:tools/cp');
    expect(outside).toEqual([]);
    await page.close();
  });

  it('shows a failing audit with its findings', async () => {
    const stages = await cleanStages();
    const rig = await makeAuditRig({ ...stages, second: { ...stages.second!, script: 'bin/cat in/greeting\n' } });
    rigs.push(rig);
    const { page } = await open(await audit({ chainDir: rig.chainDir }), rig.dir);
    expect(await page.locator('.verdict').textContent()).toBe('FAIL');
    expect(await page.locator('ul.findings li.error').allTextContents()).toEqual([
      'errorstage second, build.kaem:1: runs bin/cat, which is not an input of the stage (an undeclared binary)',
    ]);
    expect(await page.locator('details.stage.flagged').count()).toBe(1);
    await page.close();
  });

  it("renders the repository's committed chain, rebuilt under bubblewrap, and saves the README screenshot", async () => {
    const work = await mkdtemp(join(tmpdir(), 'kindling-audit-html-'));
    try {
      // The chain as committed (not work in progress in the tree), as the README should show it.
      await execa('sh', ['-c', `git -C "$0" archive --format=tar HEAD stages seeds | tar -x -C "$1"`, REPO, work]);
      // Dated by the chain's last commit, so the picture changes only when the chain does.
      const { stdout: committed } = await execa('git', ['-C', REPO, 'log', '-1', '--format=%cI', '--', 'stages', 'seeds']);
      const auditedAt = new Date(committed.trim()).toISOString();
      const report = await audit({
        chainDir: join(work, 'stages', 'amd64'),
        rebuild: { sandbox: createBwrapSandbox(), tempDir: work, sources: { distfiles: DISTFILES, retries: 0 } },
        auditedAt,
      });
      expect(report.findings.filter((f) => severityOf(f) === 'error').map(describeFinding)).toEqual([]);
      expect(report.rebuild?.stagesVerified).toBe(report.stages.length);
      const { page, outside } = await open(report, work);
      expect(await page.locator('svg.graph g.node[data-kind="stage"]').count()).toBe(report.stages.length);
      expect(await page.locator('svg.graph g.node[data-kind="seed"]').count()).toBe(report.seeds.length);
      // Every stage's programs were rebuilt, so every row of the chart has a size.
      expect(await page.locator('svg.growth rect.bytes-bar').count()).toBe(report.growth.filter((r) => (r.programBytes ?? 0) > 0).length);
      expect(await page.locator('svg.growth .unknown').count()).toBe(report.growth.filter((r) => r.programBytes === undefined).length);
      const chart = await page.locator('svg.growth').boundingBox();
      const screenshot = refreshReadmeScreenshot ? README_SCREENSHOT : join(work, 'report.png');
      await page.screenshot({
        path: screenshot,
        fullPage: true,
        clip: { x: 0, y: 0, width: 1180, height: Math.ceil(chart!.y + chart!.height + 24) },
      });
      expect(existsSync(screenshot)).toBe(true);
      expect(outside).toEqual([]);
      await page.close();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    // The whole chain, musl and BusyBox included: 2-3 minutes on an idle 2-core machine.
  }, 900_000);
});

/**
 * End-to-end: exporting CSV of a run whose recording has a damaged chunk, in headless
 * Chromium against the real web host. The export stops with a notice naming the run, probe
 * and time range and offering "Skip damaged chunks" (the CLI's `export --skip-damaged`);
 * that downloads what is intact and says what was left out.
 *
 * The damage: a chunk's bytes zeroed through SQL behind the store's back (as a flipped
 * byte on disk, it no longer matches its checksum; test/web-host/damaged-export.test.ts
 * flips a byte in the file itself).
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRange } from '../../src-main/store/checksums.js';
import { CHROMIUM, SLOW_MS, projectFromExample, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('CSV export of a damaged run in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-damaged-', exportDir: true, downloads: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  it('names the damaged range, offers to skip damaged chunks, and downloads what is intact', async () => {
    const { page, host, tmp } = studio;
    const { run } = await projectFromExample(host, 'ampa-lif.json', 'AMPA');
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.showRun(run!.id, 'V');
    // Damaged after the plots were read, as a disk failing while the studio is open.
    const lab = host.service.lab;
    const chunk = lab.db.prepare("SELECT id, first, last, count FROM chunks WHERE run_id = ? AND probe = 'V' ORDER BY first LIMIT 1").get(run!.id) as { id: number; first: number; last: number; count: number };
    lab.db.prepare('UPDATE chunks SET data = zeroblob(length(data)) WHERE id = ?').run(chunk.id);
    const damaged = describeRange(lab.recordings.rangeOf(run!.id, 'V', chunk.first, chunk.last));
    await ui.reveal('.card[data-probe="V"]');
    await ui.click('.card[data-probe="V"] [data-action="csv"]');
    await expect.poll(ui.notices, { timeout: SLOW_MS }).toContainEqual(expect.stringContaining(`${damaged} is damaged`));
    const skip = page.locator('.notice [data-action="notice-action"]');
    expect(await skip.textContent()).toBe('Skip damaged chunks');

    const [download] = await Promise.all([page.waitForEvent('download'), skip.click()]);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(`Left out of the CSV, damaged: ${damaged}`));
    const file = path.join(tmp, 'V.csv');
    await download.saveAs(file);
    const rows = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
    expect(rows.length).toBe(1001 - chunk.count); // the whole run has 1001 samples of V
    expect(Number(rows[0]!.split(',')[0])).toBeGreaterThan(0); // the damaged chunk held the first ones
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});

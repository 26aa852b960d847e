/**
 * End-to-end: compile warnings in the studio, in headless Chromium against the real web
 * host (a temporary lab for each test). A neuron with nothing connected to its input sits
 * at 0 Hz; the model compiles, so the status says "Model OK", but with the warning beside
 * it, and the node shows the warning (styled apart from errors) until something drives it.
 * A check answered after a block was moved still counts: moving changes the layout, not the
 * model the check was for. A model larger than the memory a run may use is a problem, not
 * "Model OK": Run would refuse it.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

const NOTHING_DRIVES = 'nothing drives this neuron';

describe.skipIf(!fs.existsSync(CHROMIUM))('compile warnings in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-diag-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  const status = () => studio.page.locator('[data-testid="model-status"]').textContent();
  const warningsOf = (block: string) => studio.page.locator(`[data-block-id="${block}"] .warnings`);

  it('a loaded neuron with nothing connected: the warning on its node and in the status, no error', async () => {
    const { page, host } = studio;
    await host.service.createProject('Lonely neuron', {
      format: 'spikeflow-project', version: 2, name: 'Lonely neuron',
      run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
      blocks: [
        { id: 'cell', type: 'lif', size: 1, params: {}, init: {}, position: { x: 0, y: 0 } },
        { id: 'V', type: 'state-probe', params: {}, init: {}, position: { x: 300, y: 0 } },
      ],
      edges: [{ from: 'cell.V', to: 'V.target' }],
    });
    await ui.open();
    await ui.openProject('Lonely neuron', 2);
    await expect.poll(status).toBe('Model OK · 1 warning');
    await expect.poll(() => warningsOf('cell').textContent()).toContain(NOTHING_DRIVES);
    expect(await page.locator('[data-block-id="cell"]').getAttribute('class')).toMatch(/\bhas-warning\b/);
    expect(await page.locator('.block-node .diagnostics').count()).toBe(0); // a warning is not an error
    expect(await warningsOf('V').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);

  it('a model larger than a run may use is a problem on its largest block, as Run would say', async () => {
    const { page, host } = studio;
    await host.service.createProject('Huge', {
      format: 'spikeflow-project', version: 2, name: 'Huge',
      run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
      blocks: [
        { id: 'drive', type: 'constant-current', params: {}, init: {}, position: { x: 0, y: 0 } },
        { id: 'cell', type: 'lif', size: 1e9, params: {}, init: {}, position: { x: 300, y: 0 } },
      ],
      edges: [{ from: 'drive.I', to: 'cell.I' }],
    });
    await ui.open();
    await ui.openProject('Huge', 2);
    await expect.poll(status).toBe('1 problem');
    await expect.poll(() => page.locator('[data-block-id="cell"] .diagnostics').textContent()).toMatch(/the run needs about \d+ GB, more than the/);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);

  it('a neuron placed alone is warned about until a current source drives it', async () => {
    const { page } = studio;
    await ui.open();
    await ui.place('lif', 420, 160);
    await expect.poll(status).toBe('Model OK · 1 warning');
    await expect.poll(() => warningsOf('lif').textContent()).toContain(NOTHING_DRIVES);

    await ui.place('constant-current', 120, 160);
    await ui.connect('constant_current', 'I', 'lif', 'I');
    await expect.poll(ui.wires).toBe(1);
    await expect.poll(status).toBe('Model OK');
    expect(await page.locator('.block-node .warnings').count()).toBe(0);
    expect(await page.locator('[data-block-id="lif"]').getAttribute('class')).not.toMatch(/\bhas-warning\b/);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);

  it("a block moved while a check is under way: the check's answer is shown (it is for the model, which did not change)", async () => {
    const { page } = studio;
    // The page's WebSocket to the host, passed through, except that answers to `validate`
    // calls are held while `holding` and sent on release().
    let holding = false;
    const held: string[] = [];
    const validateCalls = new Set<number>();
    let toPage: ((frame: string) => void) | undefined;
    await page.routeWebSocket(/\/api\/ws/, (ws) => {
      const server = ws.connectToServer();
      toPage = (frame) => ws.send(frame);
      ws.onMessage((frame) => {
        const call = JSON.parse(String(frame)) as { id?: number; method?: string };
        if (call.method === 'validate' && call.id !== undefined) validateCalls.add(call.id);
        server.send(frame);
      });
      server.onMessage((frame) => {
        const answer = JSON.parse(String(frame)) as { id?: number };
        if (holding && answer.id !== undefined && validateCalls.has(answer.id)) held.push(String(frame));
        else ws.send(frame);
      });
    });
    const release = () => { holding = false; for (const f of held.splice(0)) toPage!(f); };

    await ui.open();
    await ui.place('lif', 420, 160);
    await ui.place('constant-current', 120, 160);
    await expect.poll(status).toBe('Model OK · 1 warning');
    holding = true;
    await ui.connect('constant_current', 'I', 'lif', 'I');
    await expect.poll(ui.wires).toBe(1);
    await expect.poll(() => held.length).toBeGreaterThan(0); // the check of the wired model, unanswered
    const head = await ui.center('[data-block-id="lif"] .head');
    await ui.drag(head, { x: head.x + 40, y: head.y + 60 }); // a move: the layout changes, the model does not
    await expect.poll(() => page.locator('[data-block-id="lif"]').evaluate((el) => el.getBoundingClientRect().y)).toBeGreaterThan(head.y);
    release();
    await expect.poll(status).toBe('Model OK');
    expect(await page.locator('.block-node .warnings').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);
});

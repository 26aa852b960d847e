/**
 * End-to-end: the real web host (temporary lab) serving the built renderer, driven in
 * headless Chromium with the mouse and keyboard only, as a user would. It builds the AMPA
 * example from an empty project (blocks dragged from the palette, sockets connected by
 * dragging, parameters typed with units), checks that a wrong connection and a bad value
 * are refused with a message, runs the model and compares the trace with the bundled
 * example's, saves, reloads, reopens the project and its run, exports CSV and checks the
 * file against the recording, stops a long COBA run, and folds live mode's re-runs into one
 * group of the run history. Screenshots of each main view go
 * to test-artifacts/screenshots/.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import type { WebHost } from '../../src-main/web-host/server.js';
import { engineOptions } from '../../src-renderer/lib/engine-status.js';
import { CHROMIUM, ROOT, SHOTS, VIEWPORT, pageHelpers, useBrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('studio in the browser', () => {
  let tmp: string;
  let host: WebHost;
  let page: Page;
  let pageErrors: string[] = [];

  useBrowserStudio({ tmpPrefix: 'spikeflow-e2e-', exportDir: true, downloads: true }, (studio) => ({ tmp, host, page, pageErrors } = studio));

  // ---- helpers: everything the user does goes through page.mouse and page.keyboard ----

  const { box, center, reveal, click, menu } = pageHelpers(() => page);

  /** Clicks an empty spot of the canvas (clears the selection, takes the focus from fields). */
  async function clickCanvasCorner() {
    const c = await box('[data-testid="canvas"]');
    await page.mouse.click(c.x + c.width - 12, c.y + 12);
  }

  async function drag(from: { x: number; y: number }, to: { x: number; y: number }) {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + (to.x - from.x) / 3, from.y + (to.y - from.y) / 3, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
  }

  /** Drags a block from the palette to (x, y) of the canvas. */
  async function place(type: string, x: number, y: number) {
    const canvas = await box('[data-testid="canvas"]');
    const before = await page.locator('.block-node').count();
    await drag(await center(`[data-palette-type="${type}"]`), { x: canvas.x + x, y: canvas.y + y });
    await expect.poll(() => page.locator('.block-node').count()).toBe(before + 1);
  }

  const socket = (block: string, side: 'input' | 'output', port: string) =>
    `[data-block-id="${block}"] [data-side="${side}"][data-port="${port}"]`;

  const wires = () => page.locator('svg.wire[data-connection-id]:not([data-connection-id=""])').count();

  async function connect(from: string, fromPort: string, to: string, toPort: string) {
    await drag(await center(socket(from, 'output', fromPort)), await center(socket(to, 'input', toPort)));
  }

  /** Clicks a block's header (selects it and shows it in the inspector). */
  async function select(block: string) {
    await click(`[data-block-id="${block}"] .head`);
    await page.locator(`.inspector [data-field="id"] input`).waitFor();
    await expect.poll(() => page.locator('.inspector [data-field="id"] input').inputValue()).toBe(block);
  }

  /** Types into an inspector field and commits with Enter (Ctrl+Enter in a text area). */
  async function type(field: string, text: string) {
    const sel = `.inspector [data-field="${field}"] input, .inspector [data-field="${field}"] textarea`;
    await click(sel);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    const multiline = (await page.locator(sel).first().evaluate((el) => el.tagName)) === 'TEXTAREA';
    await page.keyboard.press(multiline ? 'Control+Enter' : 'Enter');
  }

  /** A screenshot; notices about earlier steps are dismissed first unless `keepNotices`. */
  async function shot(name: string, keepNotices = false, keepPointer = false) {
    if (!keepNotices) {
      for (let i = 0; i < 8 && (await page.locator('.notice button').count()) > 0; i++) {
        const b = await page.locator('.notice button').first().boundingBox({ timeout: 500 }).catch(() => null);
        if (b) await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
        await page.waitForTimeout(60);
      }
    }
    if (!keepPointer) await page.mouse.move(2, VIEWPORT.height - 2); // no hover effects in the pictures
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  async function waitRunEnd(runId: number, timeoutMs = 60_000): Promise<RunInfo> {
    const t0 = Date.now();
    for (;;) {
      const info = await host.service.getRun(runId);
      if (info.status !== 'running') return info;
      if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} did not end in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let uiRun: RunInfo;
  let projectId: number;

  it('builds the AMPA example from an empty project with the mouse and keyboard', async () => {
    await page.goto(host.url);
    await page.locator('.rete-canvas').waitFor();
    await page.getByText('Drag blocks from the palette').waitFor();
    await shot('01-empty-project');

    // Place the six blocks of the AMPA example.
    await place('spike-times', 40, 40);
    await place('ampa', 300, 40);
    await place('lif', 560, 40);
    await place('state-probe', 170, 270);
    await place('state-probe', 430, 270);
    await place('spike-probe', 690, 270);
    const ids = await page.locator('.block-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-block-id')));
    expect(ids.sort()).toEqual(['ampa', 'lif', 'spike_probe', 'spike_times', 'state_probe', 'state_probe2']);

    // Name them as in the example.
    for (const [from, to] of [
      ['spike_times', 'pre'], ['ampa', 'syn'], ['lif', 'post'], ['state_probe', 'g'], ['state_probe2', 'V'], ['spike_probe', 'spikes'],
    ] as const) {
      await select(from);
      await type('id', to);
      await page.locator(`[data-block-id="${to}"]`).waitFor();
    }

    // While unconnected, the compiler's diagnostics show on the nodes.
    await expect.poll(() => page.locator('[data-block-id="syn"] .diagnostics').textContent()).toMatch(/required but not connected/);
    await shot('02-diagnostics-on-nodes');

    // Connect by dragging from output sockets to input sockets.
    await connect('pre', 'spikes', 'syn', 'pre');
    await connect('syn', 'post', 'post', 'I');
    await connect('syn', 'post', 'g', 'target');
    await connect('post', 'V', 'V', 'target');
    await connect('post', 'spikes', 'spikes', 'spikes');
    await expect.poll(wires).toBe(5);

    // A wrong connection (spikes into a current input) is refused as it is drawn.
    await connect('pre', 'spikes', 'post', 'I');
    await page.locator('.notice.error', { hasText: 'Cannot connect pre.spikes (spikes) to post.I, which takes current' }).waitFor();
    expect(await wires()).toBe(5);
    await shot('03-wrong-connection-refused', true);

    // Parameters, typed with units.
    await select('pre');
    await type('param:spikes', '0: 10 ms, 30 ms, 50 ms, 70 ms');
    await expect.poll(() => page.locator('[data-block-id="pre"] .face').textContent()).toContain('4 spikes');

    await select('post');
    await type('param:V_rest', '-60 mV');
    await type('param:V_reset', '-60 mV');
    await type('param:tau_ref', '5 ms');
    // A voltage for a time constant is refused, with the reason in place.
    await type('param:tau', '5 mV');
    const error = page.locator('.inspector [data-field="param:tau"] [data-testid="field-error"]');
    await expect.poll(() => error.textContent()).toMatch(/"5 mV" is a voltage, expected a time \(ms\)/);
    await shot('04-bad-parameter');
    await type('param:tau', '20 ms');
    await expect.poll(() => error.count()).toBe(0);
    await type('init:V', '-60 mV');
    await expect.poll(() => page.locator('[data-block-id="post"] .face').textContent()).toContain('-60 mV');

    await select('syn');
    await type('conn:weight', '1 uS');

    // No problem left: the model compiles.
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: 10_000 }).toBe('Model OK');
    expect(await page.locator('.block-node .diagnostics').count()).toBe(0);

    // Tidy up with auto-arrange, then save under a name (Ctrl+Shift+S).
    await click('[data-testid="auto-arrange"]');
    await page.waitForTimeout(600);
    await clickCanvasCorner();
    await page.keyboard.press('Control+Shift+S');
    await page.locator('[data-dialog="save-as"]').waitFor();
    await expect.poll(() => page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null')).toBe('project-name');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('AMPA built by hand');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="project-title"]').textContent()).toContain('Saved');
    await select('post');
    await shot('05-editor-built-ampa');
  }, 90_000);

  it('runs the model, plots the trace and matches the bundled example', async () => {
    await click('[data-testid="run"]');
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 30_000 });
    const project = (await host.service.listProjects()).find((p) => p.name === 'AMPA built by hand');
    expect(project).toBeDefined();
    projectId = project!.id;
    const runs = await host.service.listRuns(projectId);
    expect(runs).toHaveLength(1);
    uiRun = runs[0]!;
    expect(uiRun.status).toBe('finished');

    // The trace is drawn: a plot per probe with points.
    for (const probe of ['g', 'V']) {
      const chart = page.locator(`.card[data-probe="${probe}"] .chart`);
      await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(100);
    }
    await page.locator('.card[data-probe="spikes"] canvas').first().waitFor();
    await shot('06-run-with-plots');

    // The same network from assets/examples/ampa-lif.json gives the same recording.
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'assets', 'examples', 'ampa-lif.json'), 'utf8')) as unknown;
    const ref = await host.service.createProject('reference', example);
    const refRun = await host.service.startRun({ projectId: ref.project.id, document: example, engine: uiRun.engine as 'cpu' | 'webgpu' });
    await waitRunEnd(refRun.id);
    for (const probe of ['g', 'V']) {
      const a = await host.service.readTrace(uiRun.id, probe, { maxPoints: 100_000 });
      const b = await host.service.readTrace(refRun.id, probe, { maxPoints: 100_000 });
      expect(a.t).toEqual(b.t);
      expect(a.series[0]!.min).toEqual(b.series[0]!.min);
    }
    const spikesA = await host.service.readSpikes(uiRun.id, 'spikes', {});
    const spikesB = await host.service.readSpikes(refRun.id, 'spikes', {});
    expect(spikesA.t).toEqual(spikesB.t);
    await host.service.deleteProject(ref.project.id);
  }, 60_000);

  it('runs the same model on the WebGPU engine picked in the run bar, and the traces agree', async (ctx) => {
    const status = await host.service.engineStatus();
    if (!status.webgpu.available) return ctx.skip(); // no adapter at all on this machine
    // Tab from the seed field to the engine list, "W" picks WebGPU.
    await click('[data-testid="run-seed"]');
    await page.keyboard.press('Tab');
    await page.keyboard.type('w');
    expect(await page.locator('[data-testid="run-engine"]').inputValue()).toBe('webgpu');
    await click('[data-testid="run"]');
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 60_000 });
    const runs = await host.service.listRuns(projectId);
    const gpuRun = runs.find((r) => r.id !== uiRun.id)!;
    expect(gpuRun).toMatchObject({ status: 'finished', engine: 'webgpu', device: status.webgpu.device });
    await expect.poll(() => page.locator('.history .run').first().textContent()).toContain('webgpu');
    // f32 on the GPU against f64 on the CPU: the same spikes, traces within f32 rounding.
    const spikes = await host.service.readSpikes(gpuRun.id, 'spikes', {});
    expect(spikes.t).toEqual((await host.service.readSpikes(uiRun.id, 'spikes', {})).t);
    for (const probe of ['g', 'V']) {
      const gpu = await host.service.readTrace(gpuRun.id, probe, { maxPoints: 100_000 });
      const cpu = await host.service.readTrace(uiRun.id, probe, { maxPoints: 100_000 });
      expect(gpu.t).toEqual(cpu.t);
      const scale = Math.max(...cpu.series[0]!.max.map(Math.abs));
      const worst = Math.max(...gpu.series[0]!.min.map((v, k) => Math.abs(v - cpu.series[0]!.min[k]!)));
      expect(worst, probe).toBeLessThanOrEqual(1e-4 * scale);
    }
    await shot('06b-run-on-webgpu');
    // Back to Auto for the tests after this one.
    await click('[data-testid="run-seed"]');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a');
    expect(await page.locator('[data-testid="run-engine"]').inputValue()).toBe('auto');
  }, 90_000);

  it('zooms the linked time axes of the plots', async () => {
    await reveal('.card[data-probe="V"]');
    const plot = await box('.card[data-probe="V"] .u-over');
    // Drag-select 20 ms … 40 ms on the V plot: every plot follows.
    await drag({ x: plot.x + plot.width * 0.2, y: plot.y + plot.height / 2 }, { x: plot.x + plot.width * 0.4, y: plot.y + plot.height / 2 });
    await page.locator('[data-testid="reset-zoom"]').waitFor();
    const label = await page.locator('.panel .window').textContent();
    expect(label).toMatch(/^(19|20|21)\.\d–(39|40|41)\.\d ms$/);
    await shot('07-zoomed-plots');
    await click('[data-testid="reset-zoom"]');
    await expect.poll(() => page.locator('[data-testid="reset-zoom"]').count()).toBe(0);
  }, 30_000);

  it('reopens the project and its run after a reload, and exports CSV that matches the run', async () => {
    await page.reload();
    await page.locator('.rete-canvas').waitFor();
    // Reopen explicitly through File → Open.
    await menu('File', 'open');
    await page.locator('[data-dialog="open"]').waitFor();
    await shot('08-open-project-dialog');
    await click('[data-project-name="AMPA built by hand"]');
    await expect.poll(() => page.locator('.block-node').count()).toBe(6);
    expect(await wires()).toBe(5);
    // The run is listed in the history; clicking it shows its plots.
    await click(`[data-run-id="${uiRun.id}"]`);
    await expect.poll(async () => Number(await page.locator('.card[data-probe="V"] .chart').getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(100);
    expect(await page.locator(`[data-run-id="${uiRun.id}"]`).getAttribute('data-status')).toBe('finished');
    await shot('09-reopened-project-and-run');

    // The inspector still holds the typed values.
    await select('post');
    expect(await page.locator('.inspector [data-field="param:tau"] input').inputValue()).toBe('20 ms');

    // CSV of the V probe, downloaded through the plot's CSV button.
    await reveal('.card[data-probe="V"]');
    const [download] = await Promise.all([page.waitForEvent('download'), click('.card[data-probe="V"] [data-action="csv"]')]);
    const file = path.join(tmp, 'V.csv');
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('t (ms),post.V[0] (mV)');
    const trace = await host.service.readTrace(uiRun.id, 'V', { maxPoints: 100_000 });
    expect(trace.decimated).toBe(false);
    expect(lines.length - 1).toBe(trace.t.length);
    expect(trace.t.length).toBe(1001);
    for (let i = 0; i < trace.t.length; i++) {
      const [t, v] = lines[i + 1]!.split(',').map(Number) as [number, number];
      expect(t).toBeCloseTo(trace.t[i]!, 9);
      expect(Math.fround(v)).toBe(Math.fround(trace.series[0]!.min[i]!));
    }
    // A PNG of a plot is offered as a download too.
    const [png] = await Promise.all([page.waitForEvent('download'), click('.card[data-probe="V"] [data-action="png"]')]);
    expect(png.suggestedFilename()).toBe(`run-${uiRun.id}-V.png`);
  }, 60_000);

  it('saves versions, reverts to an older one, and exports and imports the project file', async () => {
    await select('post');
    await type('param:tau', '25 ms');
    await clickCanvasCorner();
    await page.keyboard.press('Control+S');
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(2);
    await menu('File', 'versions');
    await page.locator('[data-dialog="versions"]').waitFor();
    await shot('10-versions-dialog');
    const oldest = (await host.service.listVersions(projectId))[0]!;
    await click(`[data-version-id="${oldest.id}"] button`);
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(3);
    await select('post');
    expect(await page.locator('.inspector [data-field="param:tau"] input').inputValue()).toBe('20 ms');

    // Export the project file (a download) and import it again (the file dialog).
    const [exported] = await Promise.all([page.waitForEvent('download'), menu('File', 'export')]);
    const file = path.join(tmp, 'exported.spikeflow.json');
    await exported.saveAs(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { blocks: Array<{ id: string; params: Record<string, unknown> }>; edges: unknown[] };
    expect(doc.blocks.map((b) => b.id).sort()).toEqual(['V', 'g', 'post', 'pre', 'spikes', 'syn']);
    expect(doc.blocks.find((b) => b.id === 'post')!.params.tau).toBe('20 ms');
    expect(doc.edges).toHaveLength(5);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), menu('File', 'import')]);
    await chooser.setFiles(file);
    await expect.poll(() => page.locator('[data-testid="project-title"]').textContent()).toContain('AMPA built by hand (2)');
    expect(await page.locator('.block-node').count()).toBe(6);
    expect(await wires()).toBe(5);
  }, 60_000);

  it('stops a long COBA run and shows it as cancelled', async () => {
    await menu('File', 'examples', 'example-coba.json');
    await expect.poll(() => page.locator('.block-node').count()).toBe(9);
    // 10 s of simulated time, on the CPU engine (Tab from the seed field to the engine list).
    await click('[data-testid="run-duration"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10 s');
    await page.keyboard.press('Enter');
    await click('[data-testid="run-seed"]');
    await page.keyboard.press('Tab');
    await page.keyboard.type('c');
    expect(await page.locator('[data-testid="run-engine"]').inputValue()).toBe('cpu');
    // The engine list names the devices the host found ("Auto (CPU)", "CPU: 2 × …", "WebGPU: …").
    await expect.poll(() => page.locator('[data-testid="run-engine"] option').allTextContents())
      .toEqual(engineOptions(await host.service.engineStatus()).map((o) => o.label));
    await click('[data-testid="run"]');
    await page.locator('[data-testid="run-progress"] .bar').waitFor({ timeout: 30_000 });
    await expect.poll(async () => {
      const text = (await page.locator('[data-testid="run-progress"] .text').textContent()) ?? '';
      return Number(/^([\d.]+) \//.exec(text.trim())?.[1] ?? 0);
    }, { timeout: 30_000, interval: 50 }).toBeGreaterThan(20);
    // The CPU engine may run COBA faster than real time: picture and stop without delay.
    await page.locator('.card[data-probe="spikes_E"] canvas').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, '11-long-run-streaming.png') });
    await click('[data-testid="stop"]');
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor({ timeout: 20_000 });
    const runId = Number(await page.locator('.history .run').first().getAttribute('data-run-id'));
    const info = await host.service.getRun(runId);
    expect(info.status).toBe('cancelled');
    expect(info.durationMs).toBe(10_000);
    await page.locator(`[data-run-id="${runId}"][data-status="cancelled"]`).waitFor();
    await shot('12-run-cancelled');
  }, 90_000);

  it('edits with the keyboard and the context menu: copy, paste, undo, redo, delete', async () => {
    await menu('File', 'examples', 'example-ampa-lif.json');
    await expect.poll(() => page.locator('.block-node').count()).toBe(6);
    const nodes = () => page.locator('.block-node').count();
    // Select two blocks (Ctrl+click), copy and paste: the edge between them comes along.
    await click('[data-block-id="post"] .head');
    await page.keyboard.down('Control');
    await click('[data-block-id="V"] .head');
    await page.keyboard.up('Control');
    await expect.poll(() => page.locator('.block-node.selected').count()).toBe(2);
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await expect.poll(nodes).toBe(8);
    // Connections are drawn after their blocks: wait for them too.
    await expect.poll(wires).toBe(6);
    expect(await page.locator('[data-block-id="post2"]').count()).toBe(1);
    await page.keyboard.press('Control+Z');
    await expect.poll(nodes).toBe(6);
    await expect.poll(wires).toBe(5);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(nodes).toBe(8);
    await page.keyboard.press('Delete');
    await expect.poll(nodes).toBe(6);
    // A parameter edit is undone like any other.
    await select('post');
    await type('param:tau', '30 ms');
    await clickCanvasCorner();
    // The edit is in the document (the inspector, shown anew, has it) before it is undone.
    const tau = () => page.locator('.inspector [data-field="param:tau"] input').inputValue();
    await select('post');
    await expect.poll(tau).toBe('30 ms');
    await page.keyboard.press('Control+Z');
    await expect.poll(tau).toBe('20 ms');
    // Click a connection and delete it.
    const canvas = await box('[data-testid="canvas"]');
    await click('[data-testid="zoom-fit"]');
    // The middle of a connection that no block covers.
    const point = await page.locator('svg.wire path.wire-hit').evaluateAll((paths) => {
      type Box = { left: number; right: number; top: number; bottom: number };
      const blocks = [...(paths[0]!.ownerDocument.querySelectorAll('.block-node') as unknown as Array<{ getBoundingClientRect(): Box }>)].map((b) => b.getBoundingClientRect());
      for (const el of paths) {
        const p = el as unknown as { getTotalLength(): number; getPointAtLength(d: number): { x: number; y: number }; getScreenCTM(): { a: number; d: number; e: number; f: number } };
        const q = p.getPointAtLength(p.getTotalLength() / 2);
        const m = p.getScreenCTM();
        const x = q.x * m.a + m.e;
        const y = q.y * m.d + m.f;
        if (!blocks.some((b) => x >= b.left - 4 && x <= b.right + 4 && y >= b.top - 4 && y <= b.bottom + 4)) return { x, y };
      }
      return null;
    });
    expect(point).not.toBeNull();
    await page.mouse.click(point!.x, point!.y);
    await page.keyboard.press('Delete');
    await expect.poll(wires).toBe(4);
    expect(await nodes()).toBe(6);
    await expect.poll(() => page.locator('.block-node .diagnostics').count()).toBeGreaterThan(0);
    // The canvas's context menu adds a block where it was opened.
    await page.mouse.click(canvas.x + 60, canvas.y + canvas.height - 60, { button: 'right' });
    await page.locator('.rete-context-menu').waitFor();
    const add = await center('.rete-context-menu .block:has-text("Add neuron")');
    await page.mouse.move(add.x, add.y);
    await page.locator('.rete-context-menu .block:not(.hasSubitems):has-text("Izhikevich")').waitFor();
    await shot('13-context-menu', true, true);
    await click('.rete-context-menu .block:not(.hasSubitems):has-text("Izhikevich")');
    await expect.poll(nodes).toBe(7);
    expect(await page.locator('[data-block-id="izhikevich"]').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('live mode re-runs after each edit and folds the re-runs into one group of the run history', async () => {
    await menu('File', 'examples', 'example-ampa-lif.json');
    await click('[data-testid="discard"]'); // the edits of the test before
    await expect.poll(() => page.locator('.block-node').count()).toBe(6);
    // Live on: a first run at once (saving the example as a new project), then one after each edit.
    const lastProject = Math.max(...(await host.service.listProjects()).map((p) => p.id));
    await click('[data-testid="live"]');
    const projectRuns = async () => {
      const project = (await host.service.listProjects()).find((p) => p.id > lastProject);
      return project ? host.service.listRuns(project.id) : [];
    };
    const finished = async (n: number) => {
      await expect.poll(async () => (await projectRuns()).filter((r) => r.status !== 'running').length, { timeout: 20_000 }).toBe(n);
    };
    await finished(1);
    await select('post');
    await type('param:tau', '25 ms');
    await finished(2);
    await type('param:tau', '30 ms');
    await finished(3);
    const live = await projectRuns();
    expect(live.map((r) => [r.live, r.status])).toEqual([[true, 'finished'], [true, 'finished'], [true, 'finished']]);

    // One entry for the three, showing (and on the plots) the newest.
    const group = page.locator('.history [data-live-group]');
    await expect.poll(() => group.getAttribute('data-count')).toBe('3');
    expect(await group.count()).toBe(1);
    expect(await group.locator('[data-testid="live-label"]').textContent()).toBe('Live · 3 runs');
    expect(await group.locator('.live-head').getAttribute('data-newest-run')).toBe(String(live[0]!.id));
    expect(await page.locator('.history .run').count()).toBe(0);
    await expect.poll(() => group.evaluate((el) => el.classList.contains('shown'))).toBe(true);
    // Opened, it lists them all, each selectable.
    await click('.history [data-action="expand-live"]');
    expect(await group.locator('.run').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-run-id'))))).toEqual(live.map((r) => r.id));
    await click(`.history [data-run-id="${live[2]!.id}"]`);
    await expect.poll(() => page.locator(`.history [data-run-id="${live[2]!.id}"].shown`).count()).toBe(1);
    await shot('16-live-runs-grouped');

    // Live off and Run: a run of its own above the group.
    await click('[data-testid="live"]');
    await clickCanvasCorner();
    await click('[data-testid="run"]');
    await finished(4);
    await expect.poll(async () => Number(await page.locator('.history .list > .run').first().getAttribute('data-run-id'))).toBe((await projectRuns())[0]!.id);
    // Delete all, confirmed: only the run started with Run is left.
    await click('.history [data-action="delete-live"]');
    await click('.history [data-action="confirm-delete-live"]');
    await expect.poll(async () => (await projectRuns()).map((r) => r.live)).toEqual([false]);
    await expect.poll(() => group.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});

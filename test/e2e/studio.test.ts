/**
 * End-to-end: building a model in the studio. The real web host (a temporary lab for each
 * test) serves the built renderer to headless Chromium, driven with the mouse and keyboard
 * as a user would. It builds the AMPA example from an empty project (blocks dragged from the
 * palette, sockets connected by dragging, parameters typed with units), checks that a wrong
 * connection and a bad value are refused with a message, runs the model and compares the
 * recording with the bundled example's, and runs a model on the WebGPU engine picked in the
 * run bar. Screenshots of each main view go to test-artifacts/screenshots/.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM, SLOW_MS, exampleDocument, projectFromExample, studioActions, useStudioPerTest, waitRunEnd, type BrowserStudio,
} from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('building and running a model in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-build-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { click, place, select, type, connect, wires, shot, clickCanvasCorner } = ui;

  it('builds the AMPA example with the mouse and keyboard, runs it and matches the bundled example', async () => {
    const { page, host } = studio;
    await ui.open();
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
    await shot('03-wrong-connection-refused', { keepNotices: true });

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
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: SLOW_MS }).toBe('Model OK');
    expect(await page.locator('.block-node .diagnostics').count()).toBe(0);

    // Tidy up with auto-arrange, then save under a name (Ctrl+Shift+S).
    await click('[data-testid="auto-arrange"]');
    await ui.blocksSettled();
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

    // Run it: a plot per probe, with points.
    await click('[data-testid="run"]');
    const project = (await host.service.listProjects()).find((p) => p.name === 'AMPA built by hand');
    expect(project).toBeDefined();
    await expect.poll(async () => (await host.service.listRuns(project!.id)).map((r) => r.status), { timeout: SLOW_MS }).toEqual(['finished']);
    const uiRun = (await host.service.listRuns(project!.id))[0]!;
    await page.locator(`[data-testid="run-status"][data-status="finished"]`).waitFor();
    for (const probe of ['g', 'V']) {
      const chart = page.locator(`.card[data-probe="${probe}"] .chart`);
      await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: SLOW_MS }).toBeGreaterThan(100);
    }
    await page.locator('.card[data-probe="spikes"] canvas').first().waitFor();
    await shot('06-run-with-plots');

    // The same network from assets/examples/ampa-lif.json gives the same recording.
    const example = exampleDocument('ampa-lif.json');
    const ref = await host.service.createProject('reference', example);
    const refRun = await host.service.startRun({ projectId: ref.project.id, document: example, engine: uiRun.engine as 'cpu' | 'webgpu' });
    await waitRunEnd(host, refRun.id);
    for (const probe of ['g', 'V']) {
      const a = await host.service.readTrace(uiRun.id, probe, { maxPoints: 100_000 });
      const b = await host.service.readTrace(refRun.id, probe, { maxPoints: 100_000 });
      expect(a.t).toEqual(b.t);
      expect(a.series[0]!.min).toEqual(b.series[0]!.min);
    }
    const spikesA = await host.service.readSpikes(uiRun.id, 'spikes', {});
    const spikesB = await host.service.readSpikes(refRun.id, 'spikes', {});
    expect(spikesA.t).toEqual(spikesB.t);
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);

  it('runs the same model on the WebGPU engine picked in the run bar, and the traces agree', async (ctx) => {
    const { page, host } = studio;
    const status = await host.service.engineStatus();
    if (!status.webgpu.available) return ctx.skip(); // no adapter at all on this machine
    const { projectId, run: cpuRun } = await projectFromExample(host, 'ampa-lif.json', 'AMPA');
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.pickEngine('w', 'webgpu');
    await click('[data-testid="run"]');
    await expect.poll(async () => (await host.service.listRuns(projectId)).map((r) => r.status), { timeout: SLOW_MS }).toEqual(['finished', 'finished']);
    const gpuRun = (await host.service.listRuns(projectId)).find((r) => r.id !== cpuRun!.id)!;
    expect(gpuRun).toMatchObject({ status: 'finished', engine: 'webgpu', device: status.webgpu.device });
    await expect.poll(() => page.locator(`.history .run[data-run-id="${gpuRun.id}"]`).textContent()).toContain('webgpu');
    // f32 on the GPU against f64 on the CPU: the same spikes, traces within f32 rounding.
    const spikes = await host.service.readSpikes(gpuRun.id, 'spikes', {});
    expect(spikes.t).toEqual((await host.service.readSpikes(cpuRun!.id, 'spikes', {})).t);
    for (const probe of ['g', 'V']) {
      const gpu = await host.service.readTrace(gpuRun.id, probe, { maxPoints: 100_000 });
      const cpu = await host.service.readTrace(cpuRun!.id, probe, { maxPoints: 100_000 });
      expect(gpu.t).toEqual(cpu.t);
      const scale = Math.max(...cpu.series[0]!.max.map(Math.abs));
      const worst = Math.max(...gpu.series[0]!.min.map((v, k) => Math.abs(v - cpu.series[0]!.min[k]!)));
      expect(worst, probe).toBeLessThanOrEqual(1e-4 * scale);
    }
    await page.locator(`[data-testid="run-status"][data-status="finished"]`).waitFor();
    await shot('06b-run-on-webgpu');
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});

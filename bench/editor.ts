/**
 * Responsiveness of the studio in headless Chromium, measured against the real web host:
 *
 *  1. Editor: a graph of 100 blocks; one block, then all 100 selected, dragged with the
 *     mouse for about two seconds while the page records every animation frame
 *     (requestAnimationFrame deltas). Reports the longest frame and the 95th percentile.
 *  2. Plots: the COBA network run for 1 s (dt 0.1 ms) with a state probe recording V of
 *     100 neurons at every step (10 001 samples × 100 neurons), shown in the plots; reports
 *     the time until the plots are drawn, then zooms the linked time axes (drag-select,
 *     Ctrl+wheel) and reports the time from each gesture to the redrawn plots and the
 *     longest frame meanwhile.
 *
 *  3. Live mode (issue 15): COBA with 1000 neurons for 1 s on the CPU engine, live mode on;
 *     a parameter edited five times in the inspector. For each edit, the time from the
 *     Enter that commits it to the new run's plot drawn, split at the run's start and end
 *     as the lab records them: the edit until the run starts (live mode's wait of
 *     LIVE_DELAY_MS for further edits, the check, compile and save), the run (engine start,
 *     stepping, recordings stored), and until the plot is drawn (the run-ended event,
 *     reading the recordings, drawing). The path the goal concerns — edit to new plot, less
 *     the deliberate wait — is printed beside it.
 *
 *   npx tsx bench/editor.ts [--only live]   (builds dist/renderer first when it is stale)
 *
 * Prints numbers; it asserts nothing (the goals: no frame over 100 ms in issue 5; the live
 * path under 150 ms in issue 15).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { keepCpuWorkerWarm } from '../src-main/engines/cpu/cpu-engine.js';
import type { WebHost } from '../src-main/web-host/server.js';
import { CHROMIUM, ROOT, VIEWPORT, ensureRendererBuilt, launchStudio } from '../test/e2e/harness.js';
import { cobaDocument } from './coba-document.js';

/** Live mode's wait after an edit before it re-runs (src-renderer/lib/run-controller.svelte.ts). */
const LIVE_DELAY_MS = 700;

/** 25 chains poisson → exponential → LIF → spike probe: 100 blocks on a 10 × 10 grid. */
function hundredBlocks(): unknown {
  const blocks: unknown[] = [];
  const edges: Array<{ from: string; to: string }> = [];
  for (let c = 0; c < 25; c++) {
    const row = Math.floor((c * 4) / 10);
    const col0 = (c * 4) % 10;
    const at = (k: number) => ({ x: ((col0 + k) % 10) * 250, y: (row + Math.floor((col0 + k) / 10)) * 200 });
    blocks.push(
      { id: `src${c}`, type: 'poisson', size: 20, params: { rate: '20 Hz' }, position: at(0) },
      { id: `syn${c}`, type: 'exponential', params: { tau: '5 ms' }, connection: { rule: 'fixed-probability', p: 0.1, weight: '2 nS' }, position: at(1) },
      { id: `n${c}`, type: 'lif', size: 20, position: at(2) },
      { id: `sp${c}`, type: 'spike-probe', position: at(3) },
    );
    edges.push(
      { from: `src${c}.spikes`, to: `syn${c}.pre` },
      { from: `syn${c}.post`, to: `n${c}.I` },
      { from: `n${c}.spikes`, to: `sp${c}.spikes` },
    );
  }
  return { format: 'spikeflow-project', version: 2, name: 'Hundred blocks', run: { dt: '0.1 ms', duration: '100 ms', seed: 1 }, blocks, edges };
}

/** COBA for 1 s with V of neurons 0–99 of E recorded at every step. */
function cobaRecorded(): unknown {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'assets', 'examples', 'coba.json'), 'utf8')) as {
    name: string; run: { duration: string }; blocks: unknown[]; edges: Array<{ from: string; to: string }>;
  };
  doc.name = 'COBA, V of 100 neurons';
  doc.run.duration = '1000 ms';
  doc.blocks.push({ id: 'V_E', type: 'state-probe', params: { state: 'V', neurons: Array.from({ length: 100 }, (_, i) => i), interval: '0 ms' }, position: { x: 800, y: 600 } });
  doc.edges.push({ from: 'E.V', to: 'V_E.target' });
  return doc;
}

const FRAME_RECORDER = `
  window.__frames = [];
  window.__recording = true;
  (() => {
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })();
`;

async function recordFrames<T>(page: Page, action: () => Promise<T>): Promise<{ result: T; frames: number[] }> {
  await page.evaluate(FRAME_RECORDER);
  await page.waitForTimeout(100);
  const result = await action();
  await page.waitForTimeout(100);
  const frames = await page.evaluate<number[]>('window.__recording = false, window.__frames.slice(1)');
  return { result, frames };
}

function stats(frames: number[]): string {
  if (frames.length === 0) return 'no frames';
  const sorted = [...frames].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
  const max = sorted[sorted.length - 1]!;
  const over = frames.filter((f) => f > 100).length;
  return `${frames.length} frames, longest ${max.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, over 100 ms: ${over}`;
}

async function centerOf(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} not visible`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drags from `start` around a loop for about `ms` milliseconds. */
async function dragAround(page: Page, start: { x: number; y: number }, ms: number): Promise<number> {
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  const t0 = Date.now();
  let moves = 0;
  while (Date.now() - t0 < ms) {
    const a = (moves / 30) * Math.PI * 2;
    await page.mouse.move(start.x + 120 * Math.sin(a), start.y + 60 * (1 - Math.cos(a)));
    moves++;
  }
  await page.mouse.up();
  return moves;
}

async function waitDrawnAfter(page: Page, selector: string, since: number, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const at = Number(await page.locator(selector).first().getAttribute('data-drawn-at').catch(() => null));
    if (at > since) return at;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${selector} was not redrawn`);
    await page.waitForTimeout(5);
  }
}

/** The page's clock as milliseconds since 1970, like the lab's timestamps. */
async function pageEpochMs(page: Page): Promise<number> {
  return page.evaluate<number>('performance.timeOrigin + performance.now()');
}

/**
 * Live mode: edit → new plot for COBA with 1000 neurons, 1 s, on the CPU engine (see the
 * file comment). Returns the lines to print.
 */
async function benchLive(host: WebHost, page: Page): Promise<string[]> {
  // As the web host's and the app's entry points do (the host here runs in this process).
  keepCpuWorkerWarm();
  const doc = { ...cobaDocument(1000, 1000), name: 'COBA 1000, live' };
  const { project } = await host.service.importProject(JSON.stringify(doc), doc.name);
  await page.goto(host.url); // opens the most recent project: the one just imported
  await page.locator('.block-node').nth(7).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="run-engine"]').selectOption('cpu');
  const chart = '.card[data-probe="rate_E"] .chart';
  const runs = async () => host.service.listRuns(project.id);
  const timeOrigin = await page.evaluate<number>('performance.timeOrigin');
  /** Waits for run number `n` of the project to end and for the plot to be drawn after it ended; returns the run and the page time of that drawing. */
  const nextPlot = async (n: number) => {
    const t0 = Date.now();
    for (;;) {
      const all = await runs();
      const run = all.length >= n ? all.sort((a, b) => b.id - a.id)[0]! : undefined;
      if (run?.endedAt) {
        const drawn = timeOrigin + Number(await page.locator(chart).first().getAttribute('data-drawn-at').catch(() => 0));
        if (drawn >= Date.parse(run.endedAt)) return { run, drawn };
      }
      if (Date.now() - t0 > 60_000) throw new Error(`live run ${n} did not end and draw within 60 s`);
      // The times come from the lab's and the page's own clocks, so polling seldom loses
      // nothing; polling every 2 ms took a core (a lab query and a page round trip each time)
      // from the run being timed on this 2-core machine (stepping 209-265 ms instead of 82-147).
      await page.waitForTimeout(50);
    }
  };
  await page.locator('[data-testid="live"]').check();
  await nextPlot(1); // live mode runs once when switched on
  await page.locator('[data-block-id="E"] .head').click();
  const field = page.locator('.inspector [data-field="param:tau"] input').first();
  const rows: string[] = [];
  const paths: number[] = [];
  for (let k = 1; k <= 5; k++) {
    await field.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${20 + k} ms`);
    const edit = await pageEpochMs(page);
    await page.keyboard.press('Enter');
    const { run, drawn } = await nextPlot(k + 1);
    const started = Date.parse(run.startedAt);
    const ended = Date.parse(run.endedAt!);
    const path = drawn - edit - LIVE_DELAY_MS;
    paths.push(path);
    rows.push(`  edit ${k} (tau of E = ${20 + k} ms): new plot after ${(drawn - edit).toFixed(0)} ms = ${LIVE_DELAY_MS} ms live delay + ${path.toFixed(0)} ms path: ` +
      `until the run started ${(started - edit - LIVE_DELAY_MS).toFixed(0)} ms (check, compile, save), run ${(ended - started).toFixed(0)} ms ` +
      `(engine ${(run.wallMs ?? 0).toFixed(0)} ms stepping${run.threads ? `, ${run.threads} threads` : ''}), until drawn ${(drawn - ended).toFixed(0)} ms`);
  }
  const sorted = [...paths].sort((a, b) => a - b);
  return [
    `\nlive mode, COBA 1000 neurons, 1 s, CPU engine: edit → new plot, less the ${LIVE_DELAY_MS} ms live delay: min ${sorted[0]!.toFixed(0)} ms, median ${sorted[2]!.toFixed(0)} ms (goal < 150 ms)`,
    ...rows,
  ];
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set SPIKEFLOW_CHROMIUM)`);
  ensureRendererBuilt(true);
  const { host, context, page, close } = await launchStudio({ tmpPrefix: 'spikeflow-bench-' });
  try {
    console.log(`Chromium ${context.browser()?.version() ?? ''}, ${os.cpus().length} CPUs, viewport ${VIEWPORT.width}×${VIEWPORT.height}`);
    if (process.argv.includes('--only') && process.argv.includes('live')) {
      for (const line of await benchLive(host, page)) console.log(line);
      return;
    }

    // ---- 1. editor with 100 blocks ----
    await host.service.importProject(JSON.stringify(hundredBlocks()), 'Hundred blocks');
    let t = Date.now();
    await page.goto(host.url);
    await page.locator('.block-node').nth(99).waitFor({ timeout: 60_000 });
    console.log(`\neditor, 100 blocks and 75 connections: opened in ${Date.now() - t} ms`);
    await page.waitForTimeout(500);

    const oneAt = await centerOf(page, '[data-block-id="n12"] .head');
    const one = await recordFrames(page, () => dragAround(page, oneAt, 2000));
    const moved = await centerOf(page, '[data-block-id="n12"] .head');
    console.log(`  drag one block (${one.result} mouse moves, moved by ${Math.round(moved.x - oneAt.x)}, ${Math.round(moved.y - oneAt.y)} px): ${stats(one.frames)}`);

    await page.mouse.click(VIEWPORT.width / 2, 60);
    await page.keyboard.press('Control+A');
    await page.waitForTimeout(300);
    const selected = await page.locator('.block-node.selected').count();
    const allAt = await centerOf(page, '[data-block-id="n12"] .head');
    const otherAt = await centerOf(page, '[data-block-id="n3"] .head');
    const all = await recordFrames(page, () => dragAround(page, allAt, 2000));
    const otherNow = await centerOf(page, '[data-block-id="n3"] .head');
    console.log(`  drag all ${selected} selected blocks (${all.result} mouse moves, another block moved by ${Math.round(otherNow.x - otherAt.x)}, ${Math.round(otherNow.y - otherAt.y)} px): ${stats(all.frames)}`);

    const canvas = page.locator('[data-testid="canvas"]');
    const cb = (await canvas.boundingBox())!;
    await page.keyboard.press('Escape');
    const pan = await recordFrames(page, async () => {
      const empty = { x: cb.x + 20, y: cb.y + cb.height - 20 };
      return dragAround(page, empty, 1500);
    });
    console.log(`  pan the canvas (${pan.result} mouse moves): ${stats(pan.frames)}`);

    // ---- 2. plots of a 1 s COBA run with 100 neurons recorded at every step ----
    const opened = await host.service.importProject(JSON.stringify(cobaRecorded()), 'COBA V100');
    await page.reload(); // reopens the most recent project: the one just imported
    await page.locator('.block-node').nth(9).waitFor({ timeout: 60_000 });
    t = Date.now();
    const streaming = await recordFrames(page, async () => {
      await page.locator('[data-testid="run"]').click();
      await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: 300_000 });
    });
    const runs = await host.service.listRuns(opened.project.id);
    const run = runs[0];
    if (!run) {
      const title = await page.locator('[data-testid="project-title"]').textContent();
      throw new Error(`the run is not in project ${opened.project.name} (the page shows ${title})`);
    }
    console.log(`\nplots, COBA 1 s, V of 100 neurons at every step (${run.engine} engine, ${(run.wallMs ?? 0).toFixed(0)} ms wall; ${Date.now() - t} ms until the run bar showed "finished")`);
    console.log(`  while the run streamed into the plots: ${stats(streaming.frames)}`);

    // Reload: the project and its last run reopen; time until every plot is drawn from the store.
    const chart = '.card[data-probe="V_E"] .chart';
    t = Date.now();
    await page.reload();
    await waitDrawnAfter(page, chart, 0, 60_000);
    await waitDrawnAfter(page, '.card[data-probe="spikes_E"] .chart', 0, 60_000);
    console.log(`  reload → project, run and all plots drawn: ${Date.now() - t} ms`);
    const points = Number(await page.locator(chart).getAttribute('data-points'));
    console.log(`  V plot: 100 series, ${points} points per series (min/max of each pixel column)`);
    await page.waitForTimeout(300);

    // Give the plots more room (drag the splitter up), then scroll the V plot into view.
    const split = await centerOf(page, '.splitter');
    await page.mouse.move(split.x, split.y);
    await page.mouse.down();
    await page.mouse.move(split.x, 200, { steps: 5 });
    await page.mouse.up();
    const panel = (await page.locator('.plots').boundingBox())!;
    for (let i = 0; i < 30; i++) {
      const b = (await page.locator(`${chart} .u-over`).boundingBox())!;
      if (b.y >= panel.y && b.y + b.height <= panel.y + panel.height) break;
      await page.mouse.move(panel.x + 20, panel.y + panel.height / 2);
      await page.mouse.wheel(0, 150);
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(300);
    const plot = (await page.locator(`${chart} .u-over`).boundingBox())!;
    const zooms: Array<{ what: string; ms: number; frames: number[] }> = [];
    for (const [what, a, b] of [
      ['drag-select 20 %–60 %', 0.2, 0.6],
      ['drag-select 40 %–60 % of that', 0.4, 0.6],
      ['drag-select 10 %–20 % of that', 0.1, 0.2],
    ] as const) {
      const r = await recordFrames(page, async () => {
        await page.mouse.move(plot.x + plot.width * a, plot.y + plot.height / 2);
        await page.mouse.down();
        await page.mouse.move(plot.x + plot.width * b, plot.y + plot.height / 2, { steps: 5 });
        const since = await page.evaluate<number>('performance.now()');
        await page.mouse.up();
        const drawn = await waitDrawnAfter(page, chart, since);
        return drawn - since;
      });
      zooms.push({ what, ms: r.result, frames: r.frames });
    }
    for (let i = 0; i < 3; i++) {
      const r = await recordFrames(page, async () => {
        await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
        const since = await page.evaluate<number>('performance.now()');
        await page.keyboard.down('Control');
        await page.mouse.wheel(0, 200);
        await page.keyboard.up('Control');
        const drawn = await waitDrawnAfter(page, chart, since);
        return drawn - since;
      });
      zooms.push({ what: `Ctrl+wheel zoom out #${i + 1}`, ms: r.result, frames: r.frames });
    }
    {
      const r = await recordFrames(page, async () => {
        const since = await page.evaluate<number>('performance.now()');
        await page.mouse.dblclick(plot.x + plot.width / 2, plot.y + plot.height / 2);
        const drawn = await waitDrawnAfter(page, chart, since);
        return drawn - since;
      });
      zooms.push({ what: 'double-click: back to the whole second', ms: r.result, frames: r.frames });
    }
    for (const z of zooms) console.log(`  ${z.what}: redrawn after ${z.ms.toFixed(0)} ms; ${stats(z.frames)}`);

    // ---- 3. live mode ----
    for (const line of await benchLive(host, page)) console.log(line);
  } finally {
    await close();
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});

/**
 * End-to-end: editing in the studio, in headless Chromium against the real web host (a
 * temporary lab for each test). Saving versions, reverting, exporting and importing the
 * project file; copy, paste, undo, redo and delete with the keyboard and the context menu;
 * pasted and dropped blocks that land inside the visible canvas; a minimap that never
 * covers a block.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM, SLOW_MS, boxInside, boxesOverlap, projectFromExample, studioActions, useStudioPerTest, type BrowserStudio,
} from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('editing in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-edit-', downloads: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { box, center, click, menu, select, type, wires, shot, clickCanvasCorner } = ui;

  const nodes = () => studio.page.locator('.block-node').count();

  it('saves versions, reverts to an older one, and exports and imports the project file', async () => {
    const { page, host, tmp } = studio;
    const { projectId } = await projectFromExample(host, 'ampa-lif.json', 'AMPA built by hand', false);
    await ui.open();
    await ui.openProject('AMPA built by hand', 6);
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
    await expect.poll(() => page.locator('.inspector [data-field="param:tau"] input').inputValue()).toBe('20 ms');

    // Export the project file (a download, named in a notice) and import it again (the file dialog).
    const [exported] = await Promise.all([page.waitForEvent('download'), menu('File', 'export')]);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(exported.suggestedFilename()));
    const file = path.join(tmp, 'exported.spikeflow.json');
    await exported.saveAs(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { blocks: Array<{ id: string; params: Record<string, unknown> }>; edges: unknown[] };
    expect(doc.blocks.map((b) => b.id).sort()).toEqual(['V', 'g', 'post', 'pre', 'spikes', 'syn']);
    expect(doc.blocks.find((b) => b.id === 'post')!.params.tau).toBe('20 ms');
    expect(doc.edges).toHaveLength(5);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), menu('File', 'import')]);
    await chooser.setFiles(file);
    await expect.poll(() => page.locator('[data-testid="project-title"]').textContent()).toContain('AMPA built by hand (2)');
    expect(await nodes()).toBe(6);
    await expect.poll(wires).toBe(5);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('Escape closes an open menu, and the next click opens it again', async () => {
    const { page } = studio;
    await ui.open();
    const items = page.locator('[data-menu-item]');
    await ui.click('[data-menu="View"]');
    await expect.poll(() => items.count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => items.count()).toBe(0);
    await ui.click('[data-menu="View"]');
    await expect.poll(() => items.count()).toBeGreaterThan(0);
  }, SLOW_MS);

  it('edits with the keyboard and the context menu: copy, paste, undo, redo, delete', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    // Select two blocks (Ctrl+click), copy and paste: the edge between them comes along.
    await click('[data-block-id="post"] .head');
    await page.keyboard.down('Control');
    await click('[data-block-id="V"] .head');
    await page.keyboard.up('Control');
    await expect.poll(() => page.locator('.block-node.selected').count()).toBe(2);
    // The studio has the selection (the inspector shows it) before Ctrl+C copies it.
    await page.locator('.inspector h2', { hasText: '2 blocks selected' }).waitFor();
    await page.keyboard.press('Control+C');
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining('Copied 2 blocks'));
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
    await click('[data-testid="zoom-fit"]');
    await ui.blocksSettled();
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
    const canvas = await box('[data-testid="canvas"]');
    await page.mouse.click(canvas.x + 60, canvas.y + canvas.height - 60, { button: 'right' });
    await page.locator('.rete-context-menu').waitFor();
    const add = await center('.rete-context-menu .block:has-text("Add neuron")');
    await page.mouse.move(add.x, add.y);
    await page.locator('.rete-context-menu .block:not(.hasSubitems):has-text("Izhikevich")').waitFor();
    await shot('13-context-menu', { keepNotices: true, keepPointer: true });
    await click('.rete-context-menu .block:not(.hasSubitems):has-text("Izhikevich")');
    await expect.poll(nodes).toBe(7);
    expect(await page.locator('[data-block-id="izhikevich"]').count()).toBe(1);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('pastes blocks inside the visible canvas after zooming, and a block dropped at an edge lands inside it', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    // Copy the leftmost block, then zoom in around the middle: it leaves the view.
    await ui.select('pre');
    await expect.poll(() => page.locator('.block-node.selected').count()).toBe(1);
    await page.keyboard.press('Control+C');
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining('Copied 1 block'));
    for (let i = 0; i < 4; i++) await click('[title="Zoom in (+)"]');
    await ui.blocksSettled();
    const canvas = await box('[data-testid="canvas"]');
    expect(boxInside(await box('[data-block-id="pre"]'), canvas)).toBe(false);
    // Ctrl+V: the copy lands where it can be seen.
    await clickCanvasCorner();
    await page.keyboard.press('Control+V');
    await expect.poll(nodes).toBe(7);
    await ui.blocksSettled();
    expect(boxInside(await box('[data-block-id="pre2"]'), canvas)).toBe(true);

    // A block dropped from the palette at the canvas's bottom-right corner lies wholly inside it.
    await click('[data-testid="zoom-fit"]');
    await ui.blocksSettled();
    await ui.place('lif', canvas.width - 4, canvas.height - 4);
    // It stays inside as it grows: a neuron nothing drives is shown with its warning.
    await page.locator('[data-block-id="lif"] :is(.warnings, .diagnostics)').first().waitFor();
    await ui.blocksSettled();
    expect(boxInside(await box('[data-block-id="lif"]'), await box('[data-testid="canvas"]'))).toBe(true);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('keeps the minimap off the blocks: it moves to a free corner, or hides', async () => {
    const { page } = studio;
    const minimap = page.locator('[data-testid="minimap"]');
    /** Whether the minimap is hidden or covers no block. */
    const clear = async () => {
      if (!(await minimap.isVisible())) return true;
      const m = (await minimap.boundingBox())!;
      const blocks = await page.locator('.block-node').evaluateAll((els) => els.map((e) => {
        const b = e.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      }));
      return !blocks.some((b) => boxesOverlap(b, m));
    };
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await minimap.waitFor();
    await expect.poll(clear).toBe(true);
    // Drag a block to where the minimap is: the minimap makes way.
    const m = await box('[data-testid="minimap"]');
    await ui.drag(await center('[data-block-id="spikes"] .head'), { x: m.x + m.width / 2, y: m.y + m.height / 2 });
    await ui.blocksSettled();
    await expect.poll(clear).toBe(true);
    expect(await minimap.isVisible()).toBe(true);
    // Zoomed to fit, the blocks fill the canvas: still nothing covered.
    await click('[data-testid="zoom-fit"]');
    await ui.blocksSettled();
    await expect.poll(clear).toBe(true);
    for (let i = 0; i < 3; i++) await click('[title="Zoom in (+)"]');
    await ui.blocksSettled();
    await expect.poll(clear).toBe(true);
    await shot('18-minimap-clear');
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});

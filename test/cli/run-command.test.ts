/**
 * `spikeflow run` names the hardware that computed a run: the summary line says which
 * device the engine ran on, `run --db` stores the device (and auto's note) with the run
 * like the app does, and `spikeflow runs` lists it. Ctrl-C (SIGINT) stops a run and keeps
 * what it recorded. Through the real CLI in a child process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCpus } from '../../src-main/engines/cpu/cpu-engine.js';
import { selectEngine } from '../../src-main/engines/select.js';
import { openLab } from '../../src-main/store/lab.js';
import { BIN, cli, EXAMPLES, ROOT } from '../helpers/cli.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const dir = mkdtempSync(join(tmpdir(), 'spikeflow-run-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('spikeflow run: the device', () => {
  const example = join(EXAMPLES, 'ampa-lif.json');

  it('the summary names the CPU, and run --db stores it and spikeflow runs lists it', () => {
    const db = join(dir, 'lab.sqlite');
    const r = cli('run', example, '--engine', 'cpu', '--out-dir', join(dir, 'cpu'), '--db', db, '--project', 'ampa');
    expect(r.code, r.stderr).toBe(0);
    const cpu = describeCpus();
    expect(r.stdout).toMatch(new RegExp(`^finished: 100\\.0 ms simulated in \\d+\\.\\d{3} s wall time on the cpu engine \\(${escape(cpu)}\\)$`, 'm'));

    const lab = openLab(db);
    try {
      const [run] = lab.runs.list({ project: 'ampa' });
      expect(run!.settings).toMatchObject({ engineRequested: 'cpu', device: cpu });
      expect(run!.settings).not.toHaveProperty('engineNote');
    } finally {
      lab.close();
    }
    const runs = cli('runs', '--db', db);
    expect(runs.code, runs.stderr).toBe(0);
    const [head, row] = runs.stdout.trimEnd().split('\n');
    expect(head).toMatch(/\s+wall\s+device\s+message$/);
    expect(row).toMatch(new RegExp(`\\s${escape(cpu)}$`));
  });

  it('with --engine auto, the summary names the device of the engine auto took, and its note is stored', async () => {
    const auto = await selectEngine('auto');
    const expected = { name: auto.engine.name, device: auto.engine.device, note: auto.note };
    auto.dispose();
    const db = join(dir, 'auto.sqlite');
    const r = cli('run', example, '--out-dir', join(dir, 'auto'), '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`on the ${expected.name} engine (${expected.device})\n`);
    if (expected.note) expect(r.stderr).toContain(expected.note);
    const lab = openLab(db);
    try {
      const [run] = lab.runs.list();
      expect(run!.engine).toBe(expected.name);
      expect(run!.settings).toMatchObject({ engineRequested: 'auto', device: expected.device, ...(expected.note ? { engineNote: expected.note } : {}) });
    } finally {
      lab.close();
    }
  });
});

describe('spikeflow run: Ctrl-C', () => {
  it('stops a run that records heavily, keeps what was recorded and exits with 130; its memory stays bounded', async () => {
    // A LIF neuron's traces at every step: the worker records faster than the CSV is
    // written. Before the engine waited for the writing, Ctrl-C went unseen (the main thread
    // never idle) and the memory grew by ~30 MB a second.
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, [BIN, 'run', join(EXAMPLES, 'ampa-lif.json'), '--engine', 'cpu', '--duration', '100000 s', '--out-dir', out], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += String(d); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Recording for a while: some megabytes of CSV written.
      await expect.poll(() => (existsSync(join(out, 'V.csv.partial')) ? statSync(join(out, 'V.csv.partial')).size : 0), { timeout: 60_000 }).toBeGreaterThan(4e6);
      const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
      if (existsSync(`/proc/${child.pid}/status`)) {
        const before = rss();
        await expect.poll(() => statSync(join(out, 'V.csv.partial')).size, { timeout: 60_000 }).toBeGreaterThan(statSync(join(out, 'V.csv.partial')).size + 60e6);
        expect(rss() - before).toBeLessThan(120e6); // 60 MB more written: not piled up (it grew by 3 times that)
      }
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stdout).toMatch(/^cancelled: [\d.]+ ms simulated/m);
    expect(readFileSync(join(out, 'V.csv'), 'utf8').split('\n', 2)[0]).toBe('t (ms),post.V[0] (mV)');
    expect(existsSync(join(out, 'V.csv.partial'))).toBe(false);
  }, 180_000);
});

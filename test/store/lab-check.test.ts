/**
 * Labs in bad shape, each reported clearly and never overwritten: a damaged page, an
 * emptied file, a read-only file and a full disk; `spikeflow check` names what is wrong,
 * and the runs that are intact can still be listed and exported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerStoreCommands } from '../../src-main/cli/store-commands.js';
import { DAMAGED } from '../../src-main/store/database.js';
import { LabError } from '../../src-main/store/errors.js';
import { checkLab } from '../../src-main/store/lab-check.js';
import { openLab } from '../../src-main/store/lab.js';
import { startSyntheticRun, streamSynthetic, tempDir, tempLabPath } from './helpers.js';

async function cli(...argv: string[]): Promise<{ out: string[]; warn: string[] }> {
  const out: string[] = [];
  const warn: string[] = [];
  const program = new Command().exitOverride();
  registerStoreCommands(program, { out: (line) => out.push(line), warn: (line) => warn.push(line) });
  await program.parseAsync(argv, { from: 'user' });
  return { out, warn };
}

/** The pid of a process that has exited (a writer that died). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return child.pid!;
}

/**
 * A lab (closed, WAL written back) with one finished run, and a second run left 'running'
 * by a writer that died: opening the lab for writing would mark it interrupted, a write.
 */
function labWithDeadRun(file = tempLabPath()): { file: string; runId: number; deadRunId: number } {
  const lab = openLab(file);
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 1200 });
  streamSynthetic(writer, 500, 250);
  writer.close();
  lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
  const deadRunId = startSyntheticRun(lab);
  lab.db.prepare('UPDATE runs SET writer_pid = ? WHERE id = ?').run(deadPid(), deadRunId);
  lab.close();
  return { file, runId, deadRunId };
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Overwrites the first bytes of the b-tree page of `index` with garbage (a bad sector). */
function damagePageOf(file: string, index: string): void {
  const db = new Database(file, { readonly: true });
  const root = db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(index) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (root - 1) * pageSize);
  fs.closeSync(fd);
}

describe('spikeflow check', () => {
  it('finds nothing wrong with a sound lab', async () => {
    const { file } = labWithDeadRun();
    const { out } = await cli('check', '--db', file);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(new RegExp(`^${file}: no problems found \\(checked 1 saved document\\(s\\) and \\d+ recording chunk\\(s\\)`));
  });

  it('lists a damaged chunk by run, probe and time range, and orphan chunks', async () => {
    const { file, runId } = labWithDeadRun();
    const db = new Database(file);
    db.prepare("UPDATE chunks SET data = zeroblob(length(data)) WHERE run_id = ? AND probe = 'r' AND first = 0").run(runId);
    db.pragma('foreign_keys = OFF');
    db.prepare("DELETE FROM probes WHERE run_id = ? AND probe = 'sp'").run(runId);
    db.close();
    const before = sha(file);
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerStoreCommands(program, { out: (line) => out.push(line), warn: () => undefined });
    await expect(program.parseAsync(['check', '--db', file], { from: 'user' })).rejects.toThrow(`${file} is damaged: 2 problem(s) found`);
    expect(out).toEqual([
      `run ${runId}, probe "r", t = 0 to 100 ms: the recording is damaged (it does not match its checksum)`,
      expect.stringMatching(new RegExp(`^\\d+ recording chunk\\(s\\) of run ${runId}, probe "sp" belong to no recorded probe \\(orphans\\)$`)),
    ]);
    expect(sha(file)).toBe(before);
  });
});

describe('a lab with a damaged page', () => {
  it('is refused for writing and left as it is; listing, export and check still read it', async () => {
    const { file, runId } = labWithDeadRun();
    damagePageOf(file, 'runs_in_progress');
    const before = sha(file);

    let err: unknown;
    try {
      openLab(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe(DAMAGED);
    expect((err as LabError).message).toContain(`${file} is damaged (`);
    expect((err as LabError).message).toContain('left as it is');
    expect(sha(file)).toBe(before);

    const runs = await cli('runs', '--db', file);
    expect(runs.warn).toEqual([expect.stringContaining(`warning: ${file} is damaged`)]);
    expect(runs.out.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([String(runId), String(runId + 1)]);
    const dir = tempDir();
    const exported = await cli('export', String(runId), '--out-dir', dir, '--db', file);
    expect(exported.out).toHaveLength(3);
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);
    await expect(cli('check', '--db', file)).rejects.toThrow(/is damaged: \d+ problem\(s\) found/);
    expect(sha(file)).toBe(before);

    const reader = openLab(file, { readonly: true });
    expect(reader.damage.length).toBeGreaterThan(0);
    expect(checkLab(reader).problems.some((p) => p.startsWith('SQLite integrity check'))).toBe(true);
    reader.close();
  });
});

describe('an emptied lab (0 bytes)', () => {
  it('is reported by every command and never recreated', async () => {
    const file = tempLabPath();
    fs.writeFileSync(file, '');
    for (const command of [['projects'], ['runs'], ['check'], ['delete-run', '1']]) {
      await expect(cli(...command, '--db', file)).rejects.toThrow(`${file} is empty (0 bytes)`);
    }
    expect(fs.statSync(file).size).toBe(0);
  });
});

/**
 * Makes `file` read-only for this process, even for root (who ignores file modes): mode
 * 0444 for other users, the immutable attribute for root. Returns the undo, or null where
 * neither works (root without chattr support).
 */
function makeReadOnly(file: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    fs.chmodSync(file, 0o444);
    return () => fs.chmodSync(file, 0o644);
  }
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return () => execFileSync('chattr', ['-i', file], { stdio: 'ignore' });
}

describe('reading without writing', () => {
  it('a read-only lab file: projects, runs and export work, and the file is not changed', async (ctx) => {
    const { file, runId, deadRunId } = labWithDeadRun();
    const before = sha(file);
    const undo = makeReadOnly(file);
    if (!undo) return ctx.skip();
    try {
      expect(() => fs.accessSync(file, fs.constants.W_OK)).toThrow();
      expect((await cli('projects', '--db', file)).out[1]).toMatch(/^P\s+1\s+2\s/);
      const runs = (await cli('runs', '--db', file)).out;
      expect(runs[2]).toMatch(new RegExp(`^${deadRunId}\\s.*\\sfailed\\s.*interrupted`));
      const dir = tempDir();
      expect((await cli('export', String(runId), '--out-dir', dir, '--db', file)).out).toHaveLength(3);
      await cli('check', '--db', file);
    } finally {
      undo();
    }
    expect(sha(file)).toBe(before);
  });

  it('a full disk: runs and export work after a run stopped there (nothing is written on opening)', async (ctx) => {
    if (process.getuid?.() !== 0 || process.platform !== 'linux') return ctx.skip();
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-full-'));
    try {
      // Room for a lab of a few 64 KiB pages, a WAL and a short run; the rest is filled below.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      fs.rmSync(mount, { recursive: true });
      return ctx.skip();
    }
    try {
      const { file, runId, deadRunId } = labWithDeadRun(path.join(mount, 'lab.sqlite'));
      // The app that recorded there still has the lab open (so its shared-memory file exists).
      const app = new Database(file);
      app.prepare('SELECT count(*) FROM runs').get();
      const filler = fs.openSync(path.join(mount, 'filler'), 'w');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) fs.writeSync(filler, block);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      try {
        for (;;) fs.writeSync(filler, block, 0, 512);
      } catch {
        // every last byte taken
      }
      fs.closeSync(filler);
      const runs = (await cli('runs', '--db', file)).out;
      expect(runs[2]).toMatch(new RegExp(`^${deadRunId}\\s.*\\sfailed\\s.*interrupted`));
      const dir = tempDir();
      expect((await cli('export', String(runId), '--out-dir', dir, '--db', file)).out).toHaveLength(3);
      expect(fs.readFileSync(path.join(dir, 'r.csv'), 'utf8').split('\n')[0]).toBe('t (ms),n.rate (Hz)');
      app.close();
    } finally {
      execFileSync('umount', [mount]);
      fs.rmSync(mount, { recursive: true });
    }
  });
});

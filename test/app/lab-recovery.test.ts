/**
 * The desktop app's way out of a damaged lab: the service refuses it with a DAMAGED
 * LabError (which main.ts turns into the recovery dialog), the file is kept byte for byte,
 * and a new lab is started beside it under a name no file has.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newLabBeside, recoveryChoice, RECOVERY_BUTTONS } from '../../src-main/app/lab-recovery.js';
import { DAMAGED } from '../../src-main/store/database.js';
import { LabError } from '../../src-main/store/errors.js';
import { openLab } from '../../src-main/store/lab.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('recovering from a damaged lab', () => {
  it('keeps the emptied lab and starts a new one beside it, never over an existing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-recovery-'));
    dirs.push(dir);
    const lab = path.join(dir, 'lab.sqlite');
    fs.writeFileSync(lab, '');
    let err: unknown;
    try {
      openLab(lab);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe(DAMAGED);

    const now = new Date('2026-12-02T23:30:00.000Z');
    const first = newLabBeside(lab, now);
    expect(path.basename(first)).toBe('lab-new-2026-12-02T23-30-00.sqlite');
    fs.writeFileSync(first, 'taken');
    const second = newLabBeside(lab, now);
    expect(path.basename(second)).toBe('lab-new-2026-12-02T23-30-00-2.sqlite');
    openLab(second).close();
    expect(fs.statSync(lab).size).toBe(0);
    expect(fs.readFileSync(first, 'utf8')).toBe('taken');
  });

  it('maps the dialog buttons to choices, Escape and anything unknown to quitting', () => {
    expect(RECOVERY_BUTTONS[0]).toBe('Quit');
    expect([0, 1, 2, 7].map(recoveryChoice)).toEqual(['quit', 'open', 'new', 'quit']);
  });
});

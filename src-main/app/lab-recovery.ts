/**
 * What the desktop app offers when its lab cannot be opened because it is damaged or
 * emptied: never to repair or recreate it in place (the file is kept exactly as it is, for
 * `spikeflow check` and `spikeflow export --skip-damaged`), but to open another lab file
 * (a backup or a copy) or to start a new lab beside it. No Electron import: tested alone.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The choices of the dialog, in button order (the first one also answers Escape). */
export const RECOVERY_BUTTONS = ['Quit', 'Open another lab file…', 'Start a new lab beside it'] as const;
export type RecoveryChoice = 'quit' | 'open' | 'new';

export function recoveryChoice(button: number): RecoveryChoice {
  return button === 1 ? 'open' : button === 2 ? 'new' : 'quit';
}

/** The dialog's text for the damaged lab at `file`. */
export function recoveryDetail(file: string, message: string): string {
  return `${message}\n\nThe file ${file} is kept as it is: nothing in it is changed or removed. ` +
    'Open a backup or a copy of your lab instead, or start a new lab beside it.';
}

/**
 * A path for a new lab next to `damaged` that no file has: "lab-new-2026-12-02T23-30-00.sqlite"
 * (with "-2", "-3"… if needed), so the damaged lab is never overwritten.
 */
export function newLabBeside(damaged: string, now: Date = new Date()): string {
  const dir = path.dirname(damaged);
  const stem = `${path.basename(damaged, path.extname(damaged))}-new-${now.toISOString().slice(0, 19).replace(/:/g, '-')}`;
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem}${n === 1 ? '' : `-${n}`}.sqlite`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/**
 * Project names at the lab's boundary: control characters and lone surrogates are cleaned
 * before they are stored (so the stored bytes are valid UTF-8), printed escaped by the CLI
 * (labs written before may hold them), and a taken 200-character name still imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerStoreCommands } from '../../src-main/cli/store-commands.js';
import { openLab } from '../../src-main/store/lab.js';
import { cleanText, escapeForTerminal, unusedName } from '../../src-main/store/names.js';
import { sampleDocument, tempDir, tempLabPath } from './helpers.js';

async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  registerStoreCommands(program, { out: (line) => lines.push(line), warn: (line) => lines.push(line) });
  await program.parseAsync(argv, { from: 'user' });
  return lines;
}

/** The stored bytes of every project name, decoded strictly as UTF-8 (throws on invalid bytes). */
function storedNames(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const blobs = db.prepare('SELECT CAST(name AS BLOB) FROM projects ORDER BY id').pluck().all() as Buffer[];
  db.close();
  return blobs.map((b) => new TextDecoder('utf-8', { fatal: true }).decode(b));
}

describe('project names', () => {
  it('lose control characters and lone surrogates before they are stored', () => {
    const file = tempLabPath();
    const lab = openLab(file);
    lab.projects.create('\u001b[2J\u0007wipe\u0000 me', sampleDocument());
    lab.projects.create('half \ud800 pair', sampleDocument());
    lab.projects.create('emoji 🧠 kept', sampleDocument());
    lab.projects.rename('emoji 🧠 kept', 'tab\there\u202e');
    expect(lab.projects.list().map((p) => p.name).sort()).toEqual(['[2Jwipe me', 'half \ufffd pair', 'tab here']);
    expect(() => lab.projects.create('\u0007\u0000', sampleDocument())).toThrow(/is not a usable project name/);
    lab.close();
    expect(storedNames(file)).toEqual(['[2Jwipe me', 'half \ufffd pair', 'tab here']);
  });

  it('are printed escaped by the CLI when an older lab holds raw control characters', async () => {
    const file = tempLabPath();
    openLab(file).close();
    const db = new Database(file);
    const at = '2025-01-01T00:00:00.000Z';
    db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)').run('\u001b[2Jgone\u0007', at, at);
    db.close();
    const lines = await cli('projects', '--db', file);
    expect(lines[1]).toMatch(/^\\x1b\[2Jgone\\x07\s+0\s+0\s/);
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it('a taken name of 200 characters still imports: it is shortened to make room for " (2)"', () => {
    const lab = openLab(tempLabPath());
    const long = 'n'.repeat(199) + '🧠';
    const file = path.join(tempDir(), 'long.json');
    fs.writeFileSync(file, JSON.stringify({ ...sampleDocument(), name: long }));
    expect(lab.projects.importFile(file).project.name).toBe(long);
    const second = lab.projects.importFile(file).project.name;
    expect(second).toBe(`${'n'.repeat(196)} (2)`);
    expect(lab.projects.importFile(file).project.name).toBe(`${'n'.repeat(196)} (3)`);
    lab.close();
  });
});

describe('names.ts', () => {
  it('cleans, escapes and finds unused names', () => {
    expect(cleanText('  a\r\nb\u0085c\u009b  ')).toBe('a  bc');
    expect(escapeForTerminal('a\u001bb\u0000\ud800\u202e')).toBe('a\\x1bb\\x00\\u{d800}\\u{202e}');
    expect(escapeForTerminal('ok 🧠 é')).toBe('ok 🧠 é');
    const taken = new Set(['x', 'x (2)']);
    expect(unusedName('x', (n) => taken.has(n))).toBe('x (3)');
    expect(unusedName('y', (n) => taken.has(n))).toBe('y');
  });
});

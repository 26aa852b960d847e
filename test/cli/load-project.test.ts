/**
 * Project files are UTF-8: bytes that are not are refused with the offset of the first one,
 * instead of being read as U+FFFD and accepted (a fuzzed name with 0xff 0xfe validated).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { EXAMPLES } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-load-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The AMPA example with `bytes` in the middle of its name. */
function withNameBytes(bytes: number[]): string {
  const text = fs.readFileSync(path.join(EXAMPLES, 'ampa-lif.json'), 'utf8');
  const at = Buffer.byteLength(text.slice(0, text.indexOf('"AMPA') + 1), 'utf8');
  const raw = Buffer.from(text, 'utf8');
  const file = path.join(dir, `name-${bytes.join('-')}.json`);
  fs.writeFileSync(file, Buffer.concat([raw.subarray(0, at), Buffer.from(bytes), raw.subarray(at)]));
  return file;
}

describe('loadProjectFile', () => {
  it('refuses bytes that are not UTF-8, naming the first and its offset', () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'ampa-lif.json'), 'utf8');
    const offset = Buffer.byteLength(text.slice(0, text.indexOf('"AMPA') + 1), 'utf8');
    for (const bad of [[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80]]) {
      const file = withNameBytes(bad);
      expect(() => loadProjectFile(file)).toThrow(`${file} is not UTF-8 text (byte 0x${bad[0]!.toString(16)} at offset ${offset}); save it as UTF-8`);
    }
  });

  it('refuses a file larger than the largest document before reading it', () => {
    const file = path.join(dir, 'huge.json');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 3 * 2 ** 30); // sparse: 3 GiB that would not fit in a string
    expect(() => loadProjectFile(file)).toThrow(`${file} is 3072.0 MB; a project document may be at most 16 MB`);
    fs.rmSync(file);
  });

  it('reads UTF-8, a written U+FFFD and other characters included', () => {
    const doc = loadProjectFile(withNameBytes([0xef, 0xbf, 0xbd, 0xc3, 0xa9]));
    expect(doc.name).toBe('\uFFFDéAMPA → LIF');
  });

  it.skipIf(!fs.existsSync('/dev/zero'))('reads a device only as far as the largest document, and refuses it (read whole, /dev/zero filled the memory)', () => {
    expect(() => loadProjectFile('/dev/zero')).toThrow('/dev/zero is more than 16 MB; a project document may be at most 16 MB');
  });

  it('names a folder given for a file', () => {
    expect(() => loadProjectFile(EXAMPLES)).toThrow(`cannot read ${EXAMPLES}: it is a folder`);
  });
});

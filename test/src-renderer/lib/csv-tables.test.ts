/** CSV files for the inspector's "Load CSV…" (src-renderer/lib/csv-tables.ts) and the rate table's text form. */
import { describe, expect, it } from 'vitest';
import { parsePairsCsv, parseRateTableCsv } from '../../../src-renderer/lib/csv-tables.js';
import { formatRateTable, parseRateTableText } from '../../../src-renderer/lib/param-entry.js';

describe('rate tables from CSV', () => {
  it('read two columns, with or without a header; header units other than ms and Hz are kept as text', () => {
    expect(parseRateTableCsv('0,5\n10,20\n')).toEqual({ ok: true, value: { table: [[0, 5], [10, 20]] } });
    expect(parseRateTableCsv('\uFEFF# comment\r\nt (ms);rate (Hz)\r\n0;5\r\n\r\n10;20')).toEqual({ ok: true, value: { table: [[0, 5], [10, 20]] } });
    expect(parseRateTableCsv('time (s)\trate (kHz)\n0\t0.005\n0.5\t1e-2')).toEqual({ ok: true, value: { table: [['0 s', '0.005 kHz'], ['0.5 s', '0.01 kHz']] } });
  });

  it('refuse files naming the line: no rows, wrong columns, not numbers, times out of order', () => {
    expect(parseRateTableCsv('t,rate\n')).toEqual({ ok: false, error: 'the file has no rows of numbers (t, rate)' });
    expect(parseRateTableCsv('0,5\n1,2,3')).toEqual({ ok: false, error: 'line 2: expected 2 columns (t, rate), found 3' });
    expect(parseRateTableCsv('0,5\n1,x')).toEqual({ ok: false, error: 'line 2: rate "x" is not a number' });
    expect(parseRateTableCsv('0,5\n2,6\n2,7')).toEqual({ ok: false, error: 'line 3: t = 2 does not come after 2 (times must increase)' });
  });

  it('take a first row with a typo in a number for data, and refuse it, rather than drop it as a header', () => {
    expect(parseRateTableCsv('0, 1O Hz\n100,10\n200,20')).toEqual({ ok: false, error: 'line 1: rate "1O Hz" is not a number' });
    expect(parseRateTableCsv('\u0000\u00ff\u0007,x\n1,2')).toMatchObject({ ok: false, error: expect.stringMatching(/^line 1: /) });
  });

  it('read cells in double quotes, as spreadsheets write them', () => {
    expect(parseRateTableCsv('"t (ms)","rate (Hz)"\n"0","10"\n"5","20"')).toEqual({ ok: true, value: { table: [[0, 10], [5, 20]] } });
  });

  it('round-trip through the inspector text', () => {
    const v = { table: [[0, 5], ['0.1 s', 20]] as Array<[number | string, number | string]> };
    expect(formatRateTable(v)).toBe('table: 0 ms → 5 Hz, 0.1 s → 20 Hz');
    expect(parseRateTableText(formatRateTable(v))).toEqual({ ok: true, value: v });
    expect(parseRateTableText('table: 0 -> 5, 10 ms -> 2 mV')).toMatchObject({ ok: false });
  });
});

describe('pair lists from CSV', () => {
  it('read pre, post and optionally weight and delay, in the header units', () => {
    expect(parsePairsCsv('0,1\n2,0', 'nA')).toEqual({ ok: true, value: [[0, 1], [2, 0]] });
    expect(parsePairsCsv('pre,post,w\n0,1,2.5', 'nA')).toEqual({ ok: true, value: [[0, 1, 2.5]] });
    expect(parsePairsCsv('pre,post,weight (pA),delay (ms)\n0,1,250,1.5', 'nA')).toEqual({ ok: true, value: [[0, 1, '250 pA', 1.5]] });
  });

  it('refuse bad indices, ragged rows and negative delays', () => {
    expect(parsePairsCsv('0,1.5', 'nA')).toEqual({ ok: false, error: 'line 1: post "1.5" is not a neuron index (0, 1, 2, …)' });
    expect(parsePairsCsv('0,1,2\n1,2', 'nA')).toEqual({ ok: false, error: 'line 2: 2 columns where the first row has 3' });
    expect(parsePairsCsv('0,1,2,-1', 'nA')).toEqual({ ok: false, error: 'line 1: a delay must not be negative' });
    expect(parsePairsCsv('0', 'nA')).toMatchObject({ ok: false });
    // The letter O for a zero in the first row: refused at line 1, not read as a header.
    expect(parsePairsCsv('0,1O\n1,2\n2,3', 'nA')).toEqual({ ok: false, error: 'line 1: post "1O" is not a neuron index (0, 1, 2, …)' });
  });
});

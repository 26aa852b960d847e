/**
 * CSV files the inspector loads into a block: a rate table (t, rate) for the inhomogeneous
 * Poisson source's rate, and a pair list (pre, post[, weight, delay]) for a `pairs`
 * connection. Columns are separated by commas, semicolons or tabs; blank lines and lines
 * starting with # are skipped; a cell in double quotes is read without them. A first line
 * of names (each a name, with its unit in parentheses or not) is a header, whose
 * parentheses give the units (`t (ms),rate (Hz)`, `pre,post,weight (nA),delay (ms)`);
 * without one, values are in ms and Hz, or in the synapse's weight unit and ms. Values in
 * other units are kept as text with the unit ("0.5 s"), which the compiler converts.
 */
import { RATE_TABLE_MAX_ROWS, type ConnectionDoc, type RateTableDoc } from '../../src-shared/document/schema.js';

export type CsvResult<T> = { ok: true; value: T } | { ok: false; error: string };

interface Grid {
  /** Units from the header, per column ('' where it gives none); null without a header. */
  units: string[] | null;
  /** Data rows, each cell with its line number. */
  rows: Array<{ line: number; cells: string[] }>;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/**
 * A column's name in a header: "t", "rate (Hz)", "weight (nA)". A first row with a typo in a
 * number ("1O") is no header: taken as one, its data were dropped without a word.
 */
const COLUMN_NAME = /^[\p{L}_][\p{L}\p{N}_ .-]*(\([^()]*\))?$/u;

/** A cell without the double quotes a spreadsheet may put around it. */
const unquoted = (cell: string) => (/^"[^"]*"$/.test(cell) ? cell.slice(1, -1).trim() : cell);

function grid(text: string): Grid {
  const rows: Grid['rows'] = [];
  let units: string[] | null = null;
  text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/\s*[,;\t]\s*/).map(unquoted);
    if (rows.length === 0 && units === null && cells.every((c) => COLUMN_NAME.test(c))) {
      units = cells.map((c) => /\(([^)]*)\)/.exec(c)?.[1]?.trim() ?? '');
      return;
    }
    rows.push({ line: k + 1, cells });
  });
  return { units, rows };
}

/** A cell's number in `unit`, or text "value unit" when the header names another unit. */
function cellValue(cell: string, line: number, column: string, headerUnit: string, unit: string): number | string {
  if (!NUMBER.test(cell)) throw new Error(`line ${line}: ${column} "${cell}" is not a number`);
  const v = Number(cell);
  return headerUnit === '' || headerUnit === unit ? v : `${v} ${headerUnit}`;
}

/** A rate table from CSV: two columns, t and rate, in increasing t. */
export function parseRateTableCsv(text: string): CsvResult<RateTableDoc> {
  try {
    const { units, rows } = grid(text);
    if (rows.length === 0) throw new Error('the file has no rows of numbers (t, rate)');
    if (rows.length > RATE_TABLE_MAX_ROWS) throw new Error(`a rate table has at most ${RATE_TABLE_MAX_ROWS} rows (the file has ${rows.length})`);
    const [tUnit, rUnit] = [units?.[0] ?? '', units?.[1] ?? ''];
    const table = rows.map(({ line, cells }): [number | string, number | string] => {
      if (cells.length !== 2) throw new Error(`line ${line}: expected 2 columns (t, rate), found ${cells.length}`);
      return [cellValue(cells[0]!, line, 't', tUnit, 'ms'), cellValue(cells[1]!, line, 'rate', rUnit, 'Hz')];
    });
    // Increasing t is checked here where the file is in one unit (the compiler checks it in any case).
    if (tUnit === '' || tUnit === 'ms') {
      for (let k = 1; k < table.length; k++) {
        if (!((table[k]![0] as number) > (table[k - 1]![0] as number))) throw new Error(`line ${rows[k]!.line}: t = ${table[k]![0]} does not come after ${table[k - 1]![0]} (times must increase)`);
      }
    }
    return { ok: true, value: { table } };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** A pair list from CSV: pre, post, and optionally weight (in weightUnit) and delay (ms). */
export function parsePairsCsv(text: string, weightUnit: string): CsvResult<NonNullable<ConnectionDoc['pairs']>> {
  try {
    const { units, rows } = grid(text);
    if (rows.length === 0) throw new Error('the file has no rows of numbers (pre, post[, weight, delay])');
    const width = rows[0]!.cells.length;
    const pairs = rows.map(({ line, cells }) => {
      if (cells.length < 2 || cells.length > 4) throw new Error(`line ${line}: expected 2 to 4 columns (pre, post, weight, delay), found ${cells.length}`);
      if (cells.length !== width) throw new Error(`line ${line}: ${cells.length} columns where the first row has ${width}`);
      ['pre', 'post'].forEach((name, k) => {
        if (!/^\d+$/.test(cells[k]!)) throw new Error(`line ${line}: ${name} "${cells[k]}" is not a neuron index (0, 1, 2, …)`);
      });
      const pair: NonNullable<ConnectionDoc['pairs']>[number] = [Number(cells[0]), Number(cells[1])];
      if (cells.length > 2) pair[2] = cellValue(cells[2]!, line, 'weight', units?.[2] ?? '', weightUnit);
      if (cells.length > 3) {
        const d = cellValue(cells[3]!, line, 'delay', units?.[3] ?? '', 'ms');
        if (typeof d === 'number' && d < 0) throw new Error(`line ${line}: a delay must not be negative`);
        pair[3] = d;
      }
      return pair;
    });
    return { ok: true, value: pairs };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

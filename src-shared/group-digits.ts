/**
 * An integer with its thousands grouped by commas ("10,000"), as toLocaleString('en-US')
 * prints it, without Intl: the first toLocaleString of a process loads ICU's number data
 * (about 20 ms), which a command that only ever prints a few counts should not pay at start
 * (issue #15: the document schema's messages and the run estimate format counts on every run).
 */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

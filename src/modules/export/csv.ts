import { stringify } from 'csv-stringify/sync';

/** A cell: numbers as JavaScript prints them, instants as ISO 8601, null and undefined as empty. */
export type Cell = string | number | boolean | Date | null | undefined;

/** A text cell a spreadsheet would run as a formula (OWASP CSV injection): it starts with = + - @, a tab or a CR. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A number written as text (a negative amount) is data, not a formula. */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One field. Text that a spreadsheet would evaluate is neutralised with a leading apostrophe (OWASP's advice), which
 * Excel, LibreOffice and Google Sheets show as text; then a field holding a comma, a quote or a line break is quoted.
 */
export function csvCell(v: Cell): string {
  // a one-column table with an empty header: "\r\n<cell>\r\n"
  return v === null || v === undefined ? '' : toCsv([''], [{ '': v }]).slice(2, -2);
}

/** A text cell as written: neutralised when a spreadsheet would evaluate it. */
const text = (s: string) => (FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s);

/**
 * RFC 4180 CSV by csv-stringify: a header row, then one line per row in the columns' order, CRLF line ends, fields
 * quoted only when they hold a comma, a quote or a line break (quotes doubled). Every cell goes through csvCell's
 * rules first (formula neutralisation, ISO instants, true/false); only each row's own properties are read.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const records = [columns, ...rows.map((r) => columns.map((c) => (Object.hasOwn(r, c) ? r[c] : null)))];
  return stringify(records, {
    record_delimiter: 'windows',
    quoted_match: /\r|\n/, // a lone CR or LF is a line break too
    cast: {
      string: (v) => text(v),
      date: (v) => v.toISOString(),
      boolean: (v) => String(v),
      number: (v) => String(v),
    },
  });
}

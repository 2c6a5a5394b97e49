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
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * RFC 4180 CSV: a header row, then one line per row in the columns' order, CRLF line ends, fields quoted only when they
 * hold a comma, a quote or a line break (quotes doubled). Only each row's own properties are read.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(Object.hasOwn(r, c) ? r[c] : null)).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * CSV as RFC 4180 describes it (CRLF rows, fields with quotes, commas or line breaks quoted, quotes
 * doubled), plus the OWASP guard against formula injection: a spreadsheet runs a cell that starts
 * with = + - @ (or a tab/CR that hides one), so such cells get a leading single quote. Audit cells
 * hold text from cards, CM and operators, none of which should ever execute on an auditor's PC.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: ReadonlyArray<string | null>): string {
  return values.map(csvCell).join(',') + '\r\n';
}

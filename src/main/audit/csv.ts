/**
 * CSV as RFC 4180 describes it (CRLF rows, fields with quotes, separators or line breaks quoted,
 * quotes doubled), plus the OWASP guard against formula injection: a spreadsheet runs a cell that
 * starts with = + - @ (or a tab/CR that hides one), so such cells get a leading single quote. Audit
 * cells hold text from cards, CM and operators, none of which should ever execute on an auditor's PC.
 *
 * French (and most European) Excel splits CSV on `;`, not `,`; a tool that splits without honouring
 * quotes splits on any of them. So `;` and tab are quoted like `,`, and a trigger right after any
 * separator or line break inside a value (`x;=cmd|…`) is defused too: whichever way the file is cut
 * into cells, no cell starts with a formula.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const TRIGGER_AFTER_SEPARATOR = /([,;\t\r\n])(\s*)([=+\-@])/g;
const NEEDS_QUOTES = /[",;\t\r\n]/;

export function csvCell(value: string | null): string {
  if (value === null) return '';
  const inner = value.replace(TRIGGER_AFTER_SEPARATOR, "$1$2'$3");
  const safe = FORMULA_TRIGGER.test(inner) ? `'${inner}` : inner;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: ReadonlyArray<string | null>): string {
  return values.map(csvCell).join(',') + '\r\n';
}

// Spreadsheet formula injection (OWASP "CSV injection"): a cell starting with = + - @ (or tab/CR) is prefixed
// with an apostrophe on export; the importer strips that apostrophe again (contacts/import/row.ts).
const DANGEROUS = /^[=+\-@\t\r]/;

export const neutralize = (cell: string) => (DANGEROUS.test(cell) ? `'${cell}` : cell);

// Public entry of contacts as CSV: export with formula neutralisation.
export { neutralize } from './neutralize.ts';
export { exportContacts, exportCsv, contactsToCsv } from './export.ts';
export type { ExportFilter, ExportedContact } from './export.ts';

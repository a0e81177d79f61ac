// Public entry of CSV import: header mapping, preview, import jobs (run, resume, report, failed rows as CSV).
export { FIELDS, CANONICAL_COLUMNS } from './fields.ts';
export type { Field, Mapping } from './fields.ts';
export { suggestMapping, validateMapping, missingFields, guessField, headerKey } from './mapping.ts';
export { inspectFile, detectDelimiter } from './parse.ts';
export type { FileShape, Delimiter } from './parse.ts';
export { readRow, planRows, unneutralize, splitFullName } from './row.ts';
export type { RowError, RowDraft, RowOutcome } from './row.ts';
export { countryCode } from './countries.ts';
export { createImport, previewImport } from './upload.ts';
export type { UploadResult, PreviewRow } from './upload.ts';
export { startImport, runImport, resumeImports, getImport, importReport, errorsCsv } from './job.ts';
export type { ImportStatusView, ImportReport, ImportCounts, RunOptions, RunDeps } from './job.ts';

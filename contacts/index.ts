// Public entry of the contacts domain: one entry per feature. Knows nothing of bots or channels.
export * from './shared/index.ts';
export * from './business/index.ts';
export * from './team/index.ts';
export * from './contacts/index.ts';
export * from './tags/index.ts';
export * from './import/index.ts';
export * from './export/index.ts';
export * from './text/index.ts';

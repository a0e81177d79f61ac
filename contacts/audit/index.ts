// The audit trail: who changed what, written in the same transaction as the change. Used by the other features.
export { recordAudit, listAudit, diff } from './audit.ts';
export type { Changes } from './audit.ts';

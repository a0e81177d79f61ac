// The fields a column can be saved as (the import API's list) and the minimum a mapping needs — the same rule the
// API applies, so the wizard explains it before the server refuses.
export const FIELDS = [
  'firstName',
  'middleName',
  'lastName',
  'fullName',
  'email',
  'phone',
  'businessName',
  'address.line1',
  'address.line2',
  'address.city',
  'address.region',
  'address.postalCode',
  'address.country',
  'billingAddress.line1',
  'billingAddress.line2',
  'billingAddress.city',
  'billingAddress.region',
  'billingAddress.postalCode',
  'billingAddress.country',
  'tags',
  'notes',
  'assignedAgent',
] as const;
export type Field = (typeof FIELDS)[number];
export type Mapping = Record<string, Field | null>;

export function missingFields(mapping: Mapping): ('firstName' | 'lastName' | 'phone or email')[] {
  const fields = new Set(Object.values(mapping));
  const full = fields.has('fullName');
  const missing: ('firstName' | 'lastName' | 'phone or email')[] = [];
  if (!fields.has('firstName') && !full) missing.push('firstName');
  if (!fields.has('lastName') && !full) missing.push('lastName');
  if (!fields.has('phone') && !fields.has('email')) missing.push('phone or email');
  return missing;
}

/** Fields chosen for more than one column. */
export function duplicateFields(mapping: Mapping): Field[] {
  const seen = new Set<Field>();
  const twice = new Set<Field>();
  for (const f of Object.values(mapping)) if (f) (seen.has(f) ? twice : seen).add(f);
  return [...twice];
}

export const isField = (s: string): s is Field => (FIELDS as readonly string[]).includes(s);

// The fields a CSV column can be mapped to. Helper fields are read into the others: `fullName`, a single name column
// split into first and last name when a file has no separate ones; `address` / `billingAddress`, a whole address in
// one cell, split into its parts when it can be (else kept whole as line 1); `otherPhone`, any number of further phone
// columns, whose valid numbers are kept in notes (or used as the phone when the phone column has none).
export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;

export const FIELDS = [
  'firstName',
  'middleName',
  'lastName',
  'fullName',
  'email',
  'phone',
  'businessName',
  ...ADDRESS_PARTS.map((p) => `address.${p}` as const),
  ...ADDRESS_PARTS.map((p) => `billingAddress.${p}` as const),
  'tags',
  'notes',
  'assignedAgent',
  'otherPhone',
  'address',
  'billingAddress',
] as const;

export type Field = (typeof FIELDS)[number];

export const HELPER_FIELDS = ['fullName', 'otherPhone', 'address', 'billingAddress'] as const;
export type HelperField = (typeof HELPER_FIELDS)[number];

/** Fields several columns may be mapped to at once. */
export const REPEATABLE_FIELDS: readonly Field[] = ['otherPhone'];

/** The canonical export columns, in order (every field but the helpers). */
export const CANONICAL_COLUMNS = FIELDS.filter((f) => !(HELPER_FIELDS as readonly string[]).includes(f)) as Exclude<
  Field,
  HelperField
>[];

/** Plain text fields and the Contact column each one is stored in. */
export const TEXT_COLUMNS = {
  firstName: 'firstName',
  middleName: 'middleName',
  lastName: 'lastName',
  businessName: 'businessName',
  'address.line1': 'addressLine1',
  'address.line2': 'addressLine2',
  'address.city': 'addressCity',
  'address.region': 'addressRegion',
  'address.postalCode': 'addressPostalCode',
  'address.country': 'addressCountry',
  'billingAddress.line1': 'billingAddressLine1',
  'billingAddress.line2': 'billingAddressLine2',
  'billingAddress.city': 'billingAddressCity',
  'billingAddress.region': 'billingAddressRegion',
  'billingAddress.postalCode': 'billingAddressPostalCode',
  'billingAddress.country': 'billingAddressCountry',
  notes: 'notes',
} as const satisfies Partial<Record<Field, string>>;

export type TextField = keyof typeof TEXT_COLUMNS;
export type ContactColumn = (typeof TEXT_COLUMNS)[TextField];
export const TEXT_FIELDS = Object.keys(TEXT_COLUMNS) as TextField[];
export const CONTACT_COLUMNS = Object.values(TEXT_COLUMNS) as ContactColumn[];

/** A column header → field (or null: ignored). */
export type Mapping = Record<string, Field | null>;

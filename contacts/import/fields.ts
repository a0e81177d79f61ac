// The fields a CSV column can be mapped to. `fullName` is the one helper field: a single name column split into
// first and last name when a file has no separate ones.
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
] as const;

export type Field = (typeof FIELDS)[number];

/** The canonical export columns, in order (every field but the `fullName` helper). */
export const CANONICAL_COLUMNS = FIELDS.filter((f) => f !== 'fullName') as Exclude<Field, 'fullName'>[];

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

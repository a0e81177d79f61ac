// The fields of a contact as people write them (API, console), validated and normalised. Pure.
import { z } from 'zod';
import { lineText, multilineText, plainString, type TextKind } from '../text/index.ts';

const optionalText = (max: number, kind: TextKind = 'line') =>
  (kind === 'line' ? lineText(max) : multilineText(max))
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();

export const addressSchema = z.object({
  line1: optionalText(200),
  line2: optionalText(200),
  city: optionalText(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  country: optionalText(100),
});
export type Address = z.output<typeof addressSchema>;

const name = lineText(100).min(1, 'must not be empty');

/** The editable fields; phone and email: a string sets, null removes, absent leaves as is. */
export const contactPatchSchema = z.object({
  firstName: name.optional(),
  middleName: optionalText(100),
  lastName: name.optional(),
  businessName: optionalText(200),
  phone: plainString().max(50).nullable().optional(),
  email: plainString().max(320).nullable().optional(),
  address: addressSchema.optional(),
  billingAddress: addressSchema.optional(),
  notes: optionalText(10_000, 'multiline'),
  /** the contact does not want broadcasts (set when they answer STOP to one) */
  broadcastOptOut: z.boolean().optional(),
});
export type ContactPatch = z.input<typeof contactPatchSchema>;

/** Adding by hand: first and last name, and a phone or an email or both (a mobile number is advised). */
export const newContactSchema = contactPatchSchema
  .extend({ firstName: name, lastName: name })
  .refine((c) => Boolean(c.phone?.trim()) || Boolean(c.email?.trim()), {
    message: 'give a phone number (a mobile is best) or an email, or both',
    path: ['phone'],
  });
export type NewContact = z.input<typeof newContactSchema>;

/** Contact table columns from the nested address objects. */
export function addressColumns(
  prefix: 'address' | 'billingAddress',
  a: Address | undefined,
): Record<string, string | null | undefined> {
  if (!a) return {};
  const cap = (k: string) => k[0]!.toUpperCase() + k.slice(1);
  const out: Record<string, string | null | undefined> = {};
  for (const [k, v] of Object.entries(a)) out[`${prefix}${cap(k)}`] = v;
  return out;
}

export function addressOf(
  prefix: 'address' | 'billingAddress',
  row: Record<string, unknown>,
): Record<'line1' | 'line2' | 'city' | 'region' | 'postalCode' | 'country', string | null> {
  const get = (k: string) => (row[`${prefix}${k}`] as string | null | undefined) ?? null;
  return {
    line1: get('Line1'),
    line2: get('Line2'),
    city: get('City'),
    region: get('Region'),
    postalCode: get('PostalCode'),
    country: get('Country'),
  };
}

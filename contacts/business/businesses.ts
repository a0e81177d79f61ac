// Creating a business with its first admin, and the first-start bootstrap.
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { lineText } from '../text/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { Actor } from '../shared/actor.ts';
import { diff, recordAudit } from '../audit/index.ts';
import { DomainError } from '../shared/errors.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { generatePassword, hashPassword } from '../team/index.ts';

export interface NewBusiness {
  name: string;
  slug?: string | undefined;
  country: string;
  admin: { email: string; password: string; firstName?: string; lastName?: string };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'business';
}

export async function createBusiness(db: Database, input: NewBusiness) {
  const slug = input.slug ?? slugify(input.name);
  const email = input.admin.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.admin.password);
  try {
    return await db.prisma.$transaction(async (tx) => {
      const business = await tx.business.create({
        data: { name: input.name, slug, country: input.country.toUpperCase() },
      });
      const admin = await tx.user.create({
        data: {
          businessId: business.id,
          role: 'admin',
          firstName: input.admin.firstName ?? 'Admin',
          lastName: input.admin.lastName ?? '',
          passwordHash,
        },
      });
      await tx.identifier.create({ data: { businessId: business.id, kind: 'email', value: email, userId: admin.id } });
      return { business, admin };
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') {
      throw new DomainError('CONFLICT', `a business with the slug "${slug}" already exists`, 'slug');
    }
    throw e;
  }
}

/**
 * On first start (no business yet) creates one from the configuration. When no admin password is
 * configured one is generated and returned, so the caller can print it once.
 */
export async function ensureFirstBusiness(
  db: Database,
  input: { name: string; country: string; adminEmail: string; adminPassword?: string | undefined },
): Promise<{ created: false } | { created: true; slug: string; adminEmail: string; generatedPassword?: string }> {
  if ((await db.prisma.business.count()) > 0) return { created: false };
  const password = input.adminPassword ?? generatePassword();
  const { business } = await createBusiness(db, {
    name: input.name,
    country: input.country,
    admin: { email: input.adminEmail, password },
  });
  return {
    created: true,
    slug: business.slug,
    adminEmail: input.adminEmail.toLowerCase(),
    ...(input.adminPassword ? {} : { generatedPassword: password }),
  };
}

export interface BusinessView {
  id: string;
  name: string;
  slug: string;
  country: string;
  handoverTimeoutSeconds: number;
  inactivityTimeoutSeconds: number;
}

const view = (b: BusinessView): BusinessView => ({
  id: b.id,
  name: b.name,
  slug: b.slug,
  country: b.country,
  handoverTimeoutSeconds: b.handoverTimeoutSeconds,
  inactivityTimeoutSeconds: b.inactivityTimeoutSeconds,
});

/** The business, or NOT_FOUND. */
export async function getBusiness(db: Database, businessId: string): Promise<BusinessView> {
  const b = await db.prisma.business.findUnique({ where: { id: businessId } });
  if (!b) throw new DomainError('NOT_FOUND', 'no such business');
  return view(b);
}

/** The only (or the first created) business: the one a single-business deployment's channels serve. */
export async function getDefaultBusiness(db: Database): Promise<BusinessView> {
  const b = await db.prisma.business.findFirst({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  if (!b)
    throw new DomainError('NOT_FOUND', 'no business exists yet (start Baton once or run `baton business create`)');
  return view(b);
}

export const businessSettingsSchema = z
  .object({
    name: lineText(200).min(1, 'must not be empty'),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .refine(
        (c) => isSupportedCountry(c),
        'must be a two-letter ISO 3166 country code with phone numbering, like GB or US',
      ),
    handoverTimeoutSeconds: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1 second')
      .max(86_400, 'must be at most 86400'),
  })
  .partial();
export type BusinessSettings = z.input<typeof businessSettingsSchema>;

/** Admins change the business's name, country (for phones written without +) and handover timeout. */
export async function updateBusiness(
  db: Database,
  businessId: string,
  input: BusinessSettings,
  actor: Actor,
): Promise<BusinessView> {
  const data = parseOrThrow(businessSettingsSchema, input);
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.business.findUnique({ where: { id: businessId } });
    if (!before) throw new DomainError('NOT_FOUND', 'no such business');
    const after = await tx.business.update({ where: { id: businessId }, data });
    const changes = diff(before, data);
    if (Object.keys(changes).length) {
      await recordAudit(tx, {
        businessId,
        actor,
        entityType: 'business',
        entityId: businessId,
        action: 'updated',
        changes,
      });
    }
    return view(after);
  });
}

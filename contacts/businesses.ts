// Creating a business with its first admin, and the first-start bootstrap.
import type { Database } from '../prisma/index.ts';
import { DomainError } from './errors.ts';
import { generatePassword, hashPassword } from './passwords.ts';

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

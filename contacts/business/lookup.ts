// Finding a business for a message: by id (the runtime, on every event) or by the slug a channel names
// (the webchat's ?business=<slug>; none named means the default business). Asked on every message, so
// one lookup, cached briefly, serves every room.
import type { Database } from '../../prisma/index.ts';
import { DomainError } from '../shared/errors.ts';
import { getBusiness, getDefaultBusiness, type BusinessView } from './businesses.ts';

/** The business a slug names, or NOT_FOUND naming the field `business`. */
export async function getBusinessBySlug(db: Database, slug: string): Promise<BusinessView> {
  const row = await db.prisma.business.findUnique({ where: { slug }, select: { id: true } });
  if (!row) throw new DomainError('NOT_FOUND', `no business with the slug "${slug}"`, 'business');
  return getBusiness(db, row.id);
}

export interface BusinessLookup {
  byId(businessId: string): Promise<BusinessView>;
  /** The business the slug names; the default business (the first created) when none is named. */
  bySlug(slug?: string): Promise<BusinessView>;
}

export interface BusinessLookupOptions {
  /** How long an answer is reused (ms). 0 asks the database every time. */
  ttlMs?: number;
  now?: () => number;
}

/** A lookup whose answers are kept `ttlMs` (10 s by default); a failed lookup is not kept. */
export function createBusinessLookup(db: Database, options: BusinessLookupOptions = {}): BusinessLookup {
  const { ttlMs = 10_000, now = Date.now } = options;
  const cache = new Map<string, { at: number; value: Promise<BusinessView> }>();
  const cached = (key: string, load: () => Promise<BusinessView>): Promise<BusinessView> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = load();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };
  return {
    byId: (businessId) => cached(`id:${businessId}`, () => getBusiness(db, businessId)),
    bySlug: (slug) =>
      slug
        ? cached(`slug:${slug}`, () => getBusinessBySlug(db, slug))
        : cached('default', () => getDefaultBusiness(db)),
  };
}

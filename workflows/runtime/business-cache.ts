// The business's settings the runtime reads on every message (name, country, timeouts), cached for 10 seconds.
import { getBusiness, type BusinessView } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

export type BusinessLookup = (businessId: string) => Promise<BusinessView>;

export function cachedBusinesses(db: Database, ttlMs = 10_000): BusinessLookup {
  const cache = new Map<string, { at: number; business: BusinessView }>();
  return async (businessId) => {
    const cached = cache.get(businessId);
    if (cached && Date.now() - cached.at < ttlMs) return cached.business;
    const business = await getBusiness(db, businessId);
    cache.set(businessId, { at: Date.now(), business });
    return business;
  };
}

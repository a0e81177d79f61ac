// The business's settings the runtime reads on every message (name, country, timeouts), cached for 10 seconds.
import { getBusiness, type BusinessView } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

export interface BusinessLookup {
  (businessId: string): Promise<BusinessView>;
  /** the business as cached, when it is still fresh; no query (for a caller inside a transaction) */
  fresh(businessId: string): BusinessView | undefined;
}

export function cachedBusinesses(db: Database, ttlMs = 10_000): BusinessLookup {
  const cache = new Map<string, { at: number; business: BusinessView }>();
  const fresh = (businessId: string) => {
    const cached = cache.get(businessId);
    return cached && Date.now() - cached.at < ttlMs ? cached.business : undefined;
  };
  const lookup = async (businessId: string) => {
    const cached = fresh(businessId);
    if (cached) return cached;
    const business = await getBusiness(db, businessId);
    cache.set(businessId, { at: Date.now(), business });
    return business;
  };
  return Object.assign(lookup, { fresh });
}

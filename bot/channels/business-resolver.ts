// Which business a channel message belongs to: the one the webchat widget names (?business=<slug>), else the
// default business (the first one: a single-business deployment's). Cached briefly: it is asked on every message.
import { getBusiness, getDefaultBusiness, DomainError } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { BusinessResolver } from './ports.ts';

export function createBusinessResolver(db: Database, cacheMs = 10_000): BusinessResolver {
  const cache = new Map<string, { at: number; value: Promise<{ id: string; slug: string; name: string }> }>();
  return (slug?: string) => {
    const key = slug ?? '';
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < cacheMs) return hit.value;
    const value = (async () => {
      if (!slug) return getDefaultBusiness(db);
      // TODO(contacts): a getBusinessBySlug in contacts/ would keep Prisma out of bot/.
      const row = await db.prisma.business.findUnique({ where: { slug }, select: { id: true } });
      if (!row) throw new DomainError('NOT_FOUND', `no business "${slug}"`, 'business');
      return getBusiness(db, row.id);
    })();
    cache.set(key, { at: Date.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };
}

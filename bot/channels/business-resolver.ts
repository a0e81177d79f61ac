// Which business a channel message belongs to: the one the webchat widget names (?business=<slug>), else the
// default business (the first one: a single-business deployment's). contacts/'s cached lookup answers.
import { createBusinessLookup } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { BusinessResolver } from './ports.ts';

export function createBusinessResolver(db: Database, cacheMs = 10_000): BusinessResolver {
  const lookup = createBusinessLookup(db, { ttlMs: cacheMs });
  return (slug?: string) => lookup.bySlug(slug);
}

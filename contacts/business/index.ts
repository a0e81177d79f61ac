// Businesses: creating one with its first admin, the first-start bootstrap, settings, and the cached lookup.
export {
  createBusiness,
  ensureFirstBusiness,
  slugify,
  getBusiness,
  getDefaultBusiness,
  updateBusiness,
  businessSettingsSchema,
} from './businesses.ts';
export type { NewBusiness, BusinessView, BusinessSettings } from './businesses.ts';
export { createBusinessLookup, getBusinessBySlug } from './lookup.ts';
export type { BusinessLookup, BusinessLookupOptions } from './lookup.ts';

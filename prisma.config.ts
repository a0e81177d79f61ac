import { defineConfig } from 'prisma/config';

// Prisma 7 reads this for `prisma generate`. Migrations are applied by Baton itself (prisma/migrate.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
});

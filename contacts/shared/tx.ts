// A Prisma client or an interactive transaction: domain functions accept either.
import type { Prisma, PrismaClient } from '../../prisma/index.ts';

export type Tx = Prisma.TransactionClient | PrismaClient;

/** Prisma's unique-constraint violation (P2002), whichever driver adapter raised it. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'P2002';

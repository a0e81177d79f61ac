// Who made a change: recorded in the audit table with every contact change.
import { z } from 'zod';

export type Actor =
  | { type: 'user'; userId: string }
  | { type: 'customer'; conversationId?: string | undefined }
  | { type: 'import'; jobId: string }
  | { type: 'system' };

export const actorSchema: z.ZodType<Actor> = z.union([
  z.object({ type: z.literal('user'), userId: z.uuid() }),
  z.object({ type: z.literal('customer'), conversationId: z.string().optional() }),
  z.object({ type: z.literal('import'), jobId: z.string() }),
  z.object({ type: z.literal('system') }),
]);

export function actorColumns(actor: Actor): { actorType: string; actorId: string | null } {
  switch (actor.type) {
    case 'user':
      return { actorType: 'user', actorId: actor.userId };
    case 'customer':
      return { actorType: 'customer', actorId: actor.conversationId ?? null };
    case 'import':
      return { actorType: 'import', actorId: actor.jobId };
    case 'system':
      return { actorType: 'system', actorId: null };
  }
}

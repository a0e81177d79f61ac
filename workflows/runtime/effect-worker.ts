// Carries out the outbox effects nobody is carrying out: those given back to be retried, and those whose
// instance died with them (at start-up, and when a claim's lease runs out). Claimed with FOR UPDATE SKIP LOCKED,
// so several instances share the work and each effect is taken by one.
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { EffectLoop } from './effect-loop.ts';
import { claimants, claimDueEffects, releaseClaimsOf, type Claim } from './outbox.ts';
import { periodic, type Periodic } from './periodic.ts';
import { conversationRef } from './store.ts';

export interface EffectWorkerDeps {
  db: Database;
  logger: Logger;
  instanceId: string;
  loop: EffectLoop;
  claim: () => Claim;
  track: <T>(p: Promise<T>) => Promise<T>;
  /** an instance that holds claims and is known to be gone (e.g. a process of this host that no longer runs) */
  isGone: (instanceId: string) => boolean;
  /** channels another instance runs now: their deliveries are left to it */
  notServedHere?: () => string[];
}

export interface EffectWorker extends Periodic {
  /** Gives back the claims of instances that are gone: their effects are carried out again. */
  recover(): Promise<number>;
}

const BATCH = 20;

export function createEffectWorker(deps: EffectWorkerDeps): EffectWorker {
  const worker = periodic(() => carryOutPending(deps), { ...deps, what: 'carrying out pending effects' });
  // Every claim this runtime makes has a lease ending at or after this: an earlier one under its own instance id is
  // of a process that had the same id before (a container's pid 1 after a restart), one after is its own.
  const ownClaimsFrom = deps.claim().until;
  return {
    ...worker,
    async recover() {
      // The embedded database has one instance, this one: every claim left is of a process that is gone.
      const others = (await claimants(deps.db)).filter((id) => id !== deps.instanceId);
      const gone = others.filter((id) => deps.db.kind === 'pglite' || deps.isGone(id));
      // Never the claims this runtime made itself (a message taken while it starts: the server listens first),
      // which are being carried out: given back, they would be carried out twice (the AI asked again).
      const released =
        (await releaseClaimsOf(deps.db, gone)) +
        (await releaseClaimsOf(deps.db, [deps.instanceId], { claimedUntilBefore: ownClaimsFrom }));
      if (released) deps.logger.info({ released, instances: gone }, 'effects of stopped instances taken over');
      return released;
    },
  };
}

async function carryOutPending(deps: EffectWorkerDeps): Promise<number> {
  let carried = 0;
  for (;;) {
    const claimed = await claimDueEffects(deps.db, {
      ...deps.claim(),
      limit: BATCH,
      notServedHere: deps.notServedHere?.(),
    });
    for (const effect of claimed) {
      try {
        const conversation = await conversationRef(deps.db, effect.conversationId);
        if (conversation) await deps.loop.resume(conversation, effect);
        carried++;
      } catch (e) {
        deps.logger.error({ err: e, conversationId: effect.conversationId }, 'carrying out an effect failed');
      }
    }
    if (claimed.length < BATCH) return carried;
  }
}

/**
 * Builders shared by the knowledge tests: claim records, verdicts, facts and acceptance
 * contexts over a plain trust map. It holds no tests; the `.test.ts` name keeps it out
 * of the build (tsconfig.build.json) and lets only tests import it.
 */
import type { TrustState } from '../../protocol/trust/index.ts'
import { claimIdOf } from './claim-id.ts'
import { CHALLENGE_WINDOW_MS } from './constants.ts'
import type { AcceptanceContext, ClaimRecord, Verdict, VerdictKind } from './types.ts'
import type { DmpTrace, Fact } from '../../protocol/envelope/types.ts'

/** This observer's fingerprint in the tests. */
export const SELF = 'self'

/** A fact with the given statement. */
export function factOf (statement: string, domain = 'test'): Fact {
  return { statement, domain, confidence: 0.9, sources: ['https://example.org/source'], context: 'ctx' }
}

/** A minimal DMP trace. */
export const DMP_TRACE: DmpTrace = { decision_id: 'decision-1', steps: ['observe'], counterfactuals: [], evidence: ['e'] }

let msgCounter = 0

/** A verdict from `from`, received at `atMs`. */
export function verdictOf (from: string, kind: VerdictKind, atMs = 1_000): Verdict {
  return { from, kind, msgId: `msg-${++msgCounter}`, atMs }
}

/** A pending claim proposed by `proposer`, first seen at `firstSeenAtMs`. */
export function claimOf (options: Partial<ClaimRecord> & { proposer?: string } = {}): ClaimRecord {
  const fact = options.fact ?? factOf('the sky is blue')
  return {
    id: claimIdOf(fact.statement, fact.domain),
    statement: fact.statement,
    domain: fact.domain,
    proposer: 'P',
    proposeMsgId: 'propose-1',
    fact,
    dmpTrace: DMP_TRACE,
    causalLinks: [],
    firstSeenAtMs: 0,
    verdicts: [],
    status: 'pending',
    statusReason: 'test',
    statusSinceMs: 0,
    wasEverAccepted: false,
    ...options
  }
}

/** An acceptance context over `trust` (missing peers are `unknown`) and the pinned set. */
export function contextOf (
  trust: Readonly<Record<string, TrustState>>,
  options: { nowMs?: number, pinned?: readonly string[], windowMs?: number, isOverloaded?: boolean } = {}
): AcceptanceContext {
  const pinned = new Set(options.pinned ?? [])
  return {
    nowMs: options.nowMs ?? 10_000,
    self: SELF,
    windowMs: options.windowMs ?? CHALLENGE_WINDOW_MS,
    trustOf: (fingerprint) => trust[fingerprint] ?? 'unknown',
    isPinned: (fingerprint) => pinned.has(fingerprint),
    ...(options.isOverloaded === undefined ? {} : { isOverloaded: options.isOverloaded })
  }
}

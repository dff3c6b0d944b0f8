/**
 * Introductions (SPEC §6 distributed trust): "If A trusts C and C introduces B, A sets B
 * to probing." C's introduction is its signed LSA, which lists the peers C handshook
 * with. Trust propagates only over trusted edges, and propagation never yields `trusted`
 * (TrustBench I1): the only event raised is `introduction`, which the TrustFSM maps
 * `unknown → probing` and nothing else. Pure.
 */
import type { TrustState } from '../../protocol/trust/index.ts'
import type { Lsa } from '../link-state/index.ts'
import type { TrustProposal } from './types.ts'

/** What this observer knows when it reads an LSA. */
export interface IntroductionContext {
  /** This observer's fingerprint: never introduced to itself. */
  readonly self: string
  /** This observer's trust view of a fingerprint (`unknown` for one never seen). */
  readonly trustOf: (fingerprint: string) => TrustState
}

/**
 * The origin's views that vouch for a neighbour: it completed a valid handshake with it.
 * A neighbour the origin lists as `untrusted` or `blacklisted` is a warning, not an
 * introduction, and `unknown` vouches for nothing.
 */
const VOUCHING_VIEWS: ReadonlySet<string> = new Set(['probing', 'trusted'])

/** How an LSA is named among cause msg_ids: LSAs have no msg_id, so origin and sequence. */
export function lsaCauseId (lsa: Pick<Lsa, 'origin' | 'seq'>): string {
  return `lsa/${lsa.origin}/${lsa.seq}`
}

/**
 * The `introduction` events an LSA warrants at this observer: one for each neighbour
 * the origin vouches for that is `unknown` here — only when the origin is `trusted`
 * here, is not this observer, and is not withdrawing. Pass an LSA that passed `openLsa`
 * (its signature is the introducer's statement).
 */
export function introductionsFrom (lsa: Lsa, context: IntroductionContext): TrustProposal[] {
  const { self, trustOf } = context
  if (lsa.withdrawn || lsa.origin === self || trustOf(lsa.origin) !== 'trusted') return []
  const causeMsgIds = [lsaCauseId(lsa)]
  const reason = `introduced by trusted peer "${lsa.origin.slice(0, 16)}" (LSA seq ${lsa.seq}); probing only, propagation never yields trusted (SPEC §6)`
  const proposals: TrustProposal[] = []
  const seen = new Set<string>()
  for (const neighbour of lsa.neighbours) {
    const peer = neighbour.fingerprint
    if (peer === self || peer === lsa.origin || seen.has(peer) || !VOUCHING_VIEWS.has(neighbour.trust)) continue
    seen.add(peer)
    if (trustOf(peer) !== 'unknown') continue
    proposals.push({ peer, event: 'introduction', rule: 'introduced_by_trusted', reason, causeMsgIds })
  }
  return proposals
}

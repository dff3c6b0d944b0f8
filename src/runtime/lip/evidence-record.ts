/**
 * What the liminal queue remembers of one LIP evidence item, and the pure steps that
 * record a corroboration or a conflict and tally them against the current trust view.
 */
import type { LipTrustTier, SourceBlock } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import type { ConflictState, EvidenceReason } from './lip-acceptance.ts'

/** A standing objection to an evidence item: a LIP_CONFLICT or a LIP_REJECT. */
export interface EvidenceConflict {
  /** Fingerprint of the peer that raised it. */
  readonly from: string
  readonly kind: 'conflict' | 'reject'
  /** LIP_CONFLICT's severity; a LIP_REJECT has none. */
  readonly severity?: 'low' | 'medium' | 'high'
  /** LIP_CONFLICT's `conflicts[]`, or LIP_REJECT's `reason`. */
  readonly details: readonly string[]
  readonly atMs: number
}

/** A peer's corroboration: its own LIP_ACCEPT (`isDirect`), and the peers whose LIP_ACCEPT listed it. */
export interface Corroboration {
  isDirect: boolean
  readonly vouchers: Set<string>
  atMs: number
}

/** The mutable record of one item (internal to the queue). */
export interface EvidenceRecord {
  readonly id: string
  readonly claims: readonly string[]
  readonly evidence: readonly string[]
  readonly confidence: number
  readonly extractionNotes: string
  /** The first submission's source block. */
  readonly source: Readonly<SourceBlock>
  /** The lowest tier any submitter declared: a declared tier may only lower (SPEC §15.13). */
  declaredTier: LipTrustTier
  /** Peers that sent this content, first sender first. */
  readonly submitters: string[]
  readonly firstSeenAtMs: number
  readonly corroborations: Map<string, Corroboration>
  readonly conflicts: Map<string, EvidenceConflict>
  /** True once any conflict was recorded (so "no standing conflict" reads `resolved`, not `none`). */
  hasHadConflict: boolean
  effectiveTier: LipTrustTier
  trustedCorroborators: readonly string[]
  conflictState: ConflictState
  status: ClaimStatus
  statusReason: EvidenceReason
  statusSinceMs: number
}

/**
 * Records a LIP_ACCEPT from `from` listing `listed`: `from` corroborates directly and
 * vouches for each listed peer, and any conflict `from` raised is withdrawn. The first
 * submitter never corroborates its own evidence. New peers beyond `maxPeers` are ignored.
 */
export function recordAccept (record: EvidenceRecord, from: string, listed: readonly string[], atMs: number, maxPeers: number): void {
  record.conflicts.delete(from)
  const proposer = record.submitters[0]
  const entryOf = (fingerprint: string): Corroboration | undefined => {
    if (fingerprint === '' || fingerprint === proposer) return undefined
    let entry = record.corroborations.get(fingerprint)
    if (entry === undefined && record.corroborations.size < maxPeers) {
      entry = { isDirect: false, vouchers: new Set(), atMs }
      record.corroborations.set(fingerprint, entry)
    }
    return entry
  }
  const own = entryOf(from)
  if (own !== undefined) {
    own.isDirect = true
    own.atMs = atMs
  }
  for (const fingerprint of new Set(listed)) {
    if (fingerprint === from) continue
    entryOf(fingerprint)?.vouchers.add(from)
  }
}

/**
 * Records a LIP_CONFLICT or LIP_REJECT from `conflict.from`: its own word now stands
 * against the item, so its corroboration and every voucher it gave are withdrawn.
 */
export function recordConflict (record: EvidenceRecord, conflict: EvidenceConflict, maxPeers: number): void {
  const { from } = conflict
  for (const [fingerprint, entry] of record.corroborations) {
    entry.vouchers.delete(from)
    if (fingerprint === from) entry.isDirect = false
    if (!entry.isDirect && entry.vouchers.size === 0) record.corroborations.delete(fingerprint)
  }
  if (!record.conflicts.has(from) && record.conflicts.size >= maxPeers) return
  record.conflicts.set(from, Object.freeze({ ...conflict, details: Object.freeze([...conflict.details]) }))
  record.hasHadConflict = true
}

/**
 * The corroborators that count now: trusted peers that accepted the item themselves or
 * that a trusted peer's LIP_ACCEPT listed (a voucher's word counts only while it is
 * trusted). Sorted.
 */
export function countTrustedCorroborators (record: EvidenceRecord, trustOf: (fingerprint: string) => TrustState): string[] {
  const counted: string[] = []
  for (const [fingerprint, entry] of record.corroborations) {
    if (trustOf(fingerprint) !== 'trusted') continue
    if (entry.isDirect || [...entry.vouchers].some((voucher) => trustOf(voucher) === 'trusted')) counted.push(fingerprint)
  }
  return counted.sort()
}

/** `unresolved` while a trusted peer's conflict stands (SPEC §7 "any trusted conflict → disputed"). */
export function conflictStateOf (record: EvidenceRecord, trustOf: (fingerprint: string) => TrustState): ConflictState {
  for (const from of record.conflicts.keys()) if (trustOf(from) === 'trusted') return 'unresolved'
  return record.hasHadConflict ? 'resolved' : 'none'
}

// A state outside the vocabulary (untyped input) ranks below blacklisted.
const SUBMITTER_RANK = new Map<string, number>([['blacklisted', 0], ['untrusted', 1], ['unknown', 2], ['probing', 3], ['trusted', 4]])
const rankOf = (trust: TrustState): number => SUBMITTER_RANK.get(trust) ?? -1

/** The best trust state among the item's submitters: one honest sender is enough to keep it alive. */
export function bestSubmitterTrust (record: EvidenceRecord, trustOf: (fingerprint: string) => TrustState): TrustState {
  let best: TrustState = 'blacklisted'
  for (const submitter of record.submitters) {
    const trust = trustOf(submitter)
    if (rankOf(trust) > rankOf(best)) best = trust
  }
  return best
}

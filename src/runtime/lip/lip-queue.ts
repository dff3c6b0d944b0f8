/**
 * The LIP liminal queue (SPEC §7): evidence items keyed by content id, each `pending →
 * disputed | accepted | rejected`, with corroborations from LIP_ACCEPT and conflicts from
 * LIP_CONFLICT and LIP_REJECT, re-evaluated against the current trust view. Pure: time
 * and the local load are passed in.
 */
import type {
  LipConflictPayload, LipDecisionPayload, LipEvidencePayload, LipTrustTier, SourceBlock
} from '../../protocol/envelope/types.ts'
import { BackpressureError } from '../../protocol/errors.ts'
import { parseRfc3339 } from '../../protocol/envelope/freshness.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import { LIMINAL_MAX_PEERS_PER_ITEM, LIMINAL_QUEUE_MAX_ITEMS } from './constants.ts'
import {
  bestSubmitterTrust, conflictStateOf, countTrustedCorroborators, recordAccept, recordConflict
} from './evidence-record.ts'
import type { EvidenceConflict, EvidenceRecord } from './evidence-record.ts'
import { evidenceIdOf } from './evidence-id.ts'
import { decideEvidence } from './lip-acceptance.ts'
import type { ConflictState, EvidenceReason } from './lip-acceptance.ts'
import type { SourceTierLookup } from './source-tiers.ts'
import { lowerTier } from './tier-order.ts'

/** What the queue needs from its owner. */
export interface LiminalQueueComponents {
  /** The receiver's source tiers (SPEC §15.13). */
  sourceTiers: SourceTierLookup
  /** This node's current TrustFSM view of a fingerprint (SPEC §6); `trusted` for this node itself. */
  trustOf: (fingerprint: string) => TrustState
}

/** Options of a {@link LiminalQueue}. */
export interface LiminalQueueInit {
  /** Most items held. @default LIMINAL_QUEUE_MAX_ITEMS (10,000) */
  maxItems?: number
  /** Most corroborating and most conflicting peers remembered per item. @default LIMINAL_MAX_PEERS_PER_ITEM (256) */
  maxPeersPerItem?: number
}

/** The moment and local load an evaluation happens under. */
export interface EvaluationContext {
  readonly nowMs: number
  /** True while this node's presence is `overloaded` (SPEC §7 rule 5): acceptance is deferred. */
  readonly isLocallyOverloaded: boolean
}

/** A validated LIP envelope as the queue needs it. */
export interface LipMessage<P> {
  /** Fingerprint of the envelope's sender. */
  readonly from: string
  readonly payload: P
  readonly source: SourceBlock
  /**
   * The content ids a LIP_ACCEPT, LIP_CONFLICT or LIP_REJECT answers. Its payload names
   * none, so by default it answers every queued item from the same `source.uri`.
   */
  readonly refs?: readonly string[]
}

/** A status change, for the `claim_status` event (SPEC §12). */
export interface LiminalChange {
  readonly id: string
  readonly from: ClaimStatus
  readonly to: ClaimStatus
  readonly reason: EvidenceReason
  readonly atMs: number
}

/** What a queue operation touched and which statuses changed. */
export interface LiminalUpdate {
  /** Content ids the operation applied to. */
  readonly ids: readonly string[]
  readonly changes: readonly LiminalChange[]
}

/** A frozen copy of one item. */
export interface EvidenceItem {
  readonly id: string
  readonly claims: readonly string[]
  readonly evidence: readonly string[]
  readonly confidence: number
  readonly extractionNotes: string
  readonly source: Readonly<SourceBlock>
  /** Peers that sent this content, first sender first. */
  readonly submitters: readonly string[]
  readonly firstSeenAtMs: number
  /** The lowest tier any submitter declared. */
  readonly declaredTier: LipTrustTier
  /** The effective source tier at the last evaluation. */
  readonly effectiveTier: LipTrustTier
  /** Every peer recorded as corroborating, trusted or not. Sorted. */
  readonly corroborators: readonly string[]
  /** The corroborators that counted at the last evaluation. */
  readonly trustedCorroborators: readonly string[]
  /** The standing conflicts, oldest first. */
  readonly conflicts: readonly EvidenceConflict[]
  readonly conflictState: ConflictState
  readonly status: ClaimStatus
  readonly statusReason: EvidenceReason
  readonly statusSinceMs: number
}

/**
 * A bounded liminal queue of LIP evidence. Each item's status is recomputed by
 * {@link decideEvidence} whenever something about it changes, with one hysteresis rule:
 * an accepted item never falls back to pending (only a trusted conflict or a rejecting
 * fact moves it, SPEC §15.5), so overload or a corroborator's demotion defers new
 * acceptances without undoing old ones.
 */
export class LiminalQueue {
  readonly #components: LiminalQueueComponents
  readonly #maxItems: number
  readonly #maxPeers: number
  readonly #items = new Map<string, EvidenceRecord>()

  /** @throws {RangeError} naming the field when an option is not a positive integer */
  constructor (components: LiminalQueueComponents, init: LiminalQueueInit = {}) {
    this.#components = components
    this.#maxItems = init.maxItems ?? LIMINAL_QUEUE_MAX_ITEMS
    this.#maxPeers = init.maxPeersPerItem ?? LIMINAL_MAX_PEERS_PER_ITEM
    for (const [field, value] of [['maxItems', this.#maxItems], ['maxPeersPerItem', this.#maxPeers]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Cannot create liminal queue: ${field} "${value}" is not a positive integer`)
    }
  }

  /** How many items the queue holds. */
  get size (): number {
    return this.#items.size
  }

  /**
   * Queues a LIP_EVIDENCE, or adds its sender to the submitters of the same content (a
   * lower declared tier then lowers the item's), and evaluates it. When the queue is full, the oldest rejected item, else the oldest
   * accepted one, makes room.
   *
   * @throws {BackpressureError} with reason `liminal_queue_full` when every held item is pending or disputed
   */
  addEvidence (message: LipMessage<LipEvidencePayload>, context: EvaluationContext): LiminalUpdate & { id: string, isNew: boolean, item: EvidenceItem } {
    const id = evidenceIdOf(message.payload, message.source.uri)
    let record = this.#items.get(id)
    const isNew = record === undefined
    if (record === undefined) {
      this.#makeRoom(id)
      record = newRecord(id, message, context.nowMs)
      this.#items.set(id, record)
    } else {
      record.declaredTier = lowerTier(record.declaredTier, message.source.trust_tier)
      if (!record.submitters.includes(message.from) && record.submitters.length < this.#maxPeers) record.submitters.push(message.from)
    }
    const changes = this.#evaluate([record], context)
    return { id, isNew, item: snapshotOf(record), ids: [id], changes }
  }

  /** Applies a LIP_ACCEPT: its sender and the `corroborators[]` it lists corroborate the items it answers. */
  applyAccept (message: LipMessage<LipDecisionPayload>, context: EvaluationContext): LiminalUpdate {
    const targets = this.#targetsOf(message)
    for (const record of targets) recordAccept(record, message.from, message.payload.corroborators, context.nowMs, this.#maxPeers)
    return { ids: targets.map((record) => record.id), changes: this.#evaluate(targets, context) }
  }

  /** Applies a LIP_CONFLICT: its sender objects to the items it answers. */
  applyConflict (message: LipMessage<LipConflictPayload>, context: EvaluationContext): LiminalUpdate {
    const { conflicts, severity } = message.payload
    return this.#object(message, { from: message.from, kind: 'conflict', severity, details: conflicts, atMs: context.nowMs }, context)
  }

  /** Applies a LIP_REJECT: its sender objects to the items it answers, as a conflict. */
  applyReject (message: LipMessage<LipDecisionPayload>, context: EvaluationContext): LiminalUpdate {
    return this.#object(message, { from: message.from, kind: 'reject', details: [message.payload.reason], atMs: context.nowMs }, context)
  }

  /**
   * Marks the standing conflicts of an item resolved (this node reconciled them, or a
   * human decided), then re-evaluates it. A later conflict stands again.
   */
  markResolved (id: string, context: EvaluationContext): LiminalUpdate {
    const record = this.#items.get(id)
    if (record === undefined) return { ids: [], changes: [] }
    record.conflicts.clear()
    return { ids: [id], changes: this.#evaluate([record], context) }
  }

  /** Re-evaluates every item against the current trust view, tiers, time and load. */
  reevaluate (context: EvaluationContext): LiminalUpdate {
    const records = [...this.#items.values()]
    return { ids: records.map((record) => record.id), changes: this.#evaluate(records, context) }
  }

  /** A copy of one item. */
  get (id: string): EvidenceItem | undefined {
    const record = this.#items.get(id)
    return record === undefined ? undefined : snapshotOf(record)
  }

  /** Copies of the items, optionally of one status, in the order they were first seen. */
  list (filter: { status?: ClaimStatus } = {}): EvidenceItem[] {
    const records = [...this.#items.values()].filter((record) => filter.status === undefined || record.status === filter.status)
    return records.sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs).map(snapshotOf)
  }

  #object (message: LipMessage<unknown>, conflict: EvidenceConflict, context: EvaluationContext): LiminalUpdate {
    const targets = this.#targetsOf(message)
    for (const record of targets) recordConflict(record, conflict, this.#maxPeers)
    return { ids: targets.map((record) => record.id), changes: this.#evaluate(targets, context) }
  }

  #targetsOf (message: LipMessage<unknown>): EvidenceRecord[] {
    if (message.refs !== undefined) {
      return [...new Set(message.refs)].flatMap((ref) => this.#items.get(ref) ?? [])
    }
    return [...this.#items.values()].filter((record) => record.source.uri === message.source.uri)
  }

  #evaluate (records: readonly EvidenceRecord[], context: EvaluationContext): LiminalChange[] {
    const { sourceTiers, trustOf } = this.#components
    const changes: LiminalChange[] = []
    for (const record of records) {
      record.effectiveTier = sourceTiers.effectiveTier(record.source.uri, record.declaredTier)
      record.trustedCorroborators = Object.freeze(countTrustedCorroborators(record, trustOf))
      record.conflictState = conflictStateOf(record, trustOf)
      const decision = decideEvidence({
        effectiveTier: record.effectiveTier,
        trustedCorroborators: record.trustedCorroborators,
        conflicts: record.conflictState,
        hasProvenance: hasProvenance(record),
        retrievedAtMs: retrievedAtMsOf(record.source),
        nowMs: context.nowMs,
        isLocallyOverloaded: context.isLocallyOverloaded,
        submitterTrust: bestSubmitterTrust(record, trustOf)
      })
      // SPEC §15.5: once accepted, only a conflict or a rejecting fact moves the item.
      if (record.status === 'accepted' && decision.status === 'pending') continue
      if (decision.status !== record.status) {
        changes.push(Object.freeze({ id: record.id, from: record.status, to: decision.status, reason: decision.reason, atMs: context.nowMs }))
        record.status = decision.status
        record.statusSinceMs = context.nowMs
      }
      record.statusReason = decision.reason
    }
    return changes
  }

  #makeRoom (incomingId: string): void {
    if (this.#items.size < this.#maxItems) return
    const oldest = (status: ClaimStatus): EvidenceRecord | undefined => [...this.#items.values()]
      .filter((record) => record.status === status)
      .reduce<EvidenceRecord | undefined>((best, record) => (best === undefined || record.statusSinceMs < best.statusSinceMs ? record : best), undefined)
    const victim = oldest('rejected') ?? oldest('accepted')
    if (victim === undefined) {
      throw new BackpressureError(`Cannot queue LIP evidence "${incomingId}": the liminal queue holds ${this.#items.size} unsettled items`, { reason: 'liminal_queue_full', limit: this.#maxItems })
    }
    this.#items.delete(victim.id)
  }
}

function newRecord (id: string, message: LipMessage<LipEvidencePayload>, nowMs: number): EvidenceRecord {
  const { payload, source } = message
  return {
    id,
    claims: Object.freeze([...payload.claims]),
    evidence: Object.freeze([...payload.evidence]),
    confidence: payload.confidence,
    extractionNotes: payload.extraction_notes,
    source: Object.freeze({ uri: source.uri, trust_tier: source.trust_tier, retrieved_at: source.retrieved_at }),
    declaredTier: source.trust_tier,
    submitters: [message.from],
    firstSeenAtMs: nowMs,
    corroborations: new Map(),
    conflicts: new Map(),
    hasHadConflict: false,
    effectiveTier: 'unknown',
    trustedCorroborators: [],
    conflictState: 'none',
    status: 'pending',
    statusReason: 'insufficient_corroboration',
    statusSinceMs: nowMs
  }
}

// Provenance (SPEC §7): a source URI that parses, and at least one extract the claims rest on.
function hasProvenance (record: EvidenceRecord): boolean {
  return URL.canParse(record.source.uri) && record.evidence.some((extract) => extract.trim() !== '')
}

function retrievedAtMsOf (source: Readonly<SourceBlock>): number | undefined {
  try {
    return parseRfc3339(source.retrieved_at)
  } catch {
    return undefined
  }
}

function snapshotOf (record: EvidenceRecord): EvidenceItem {
  return Object.freeze({
    id: record.id,
    claims: record.claims,
    evidence: record.evidence,
    confidence: record.confidence,
    extractionNotes: record.extractionNotes,
    source: record.source,
    submitters: Object.freeze([...record.submitters]),
    firstSeenAtMs: record.firstSeenAtMs,
    declaredTier: record.declaredTier,
    effectiveTier: record.effectiveTier,
    corroborators: Object.freeze([...record.corroborations.keys()].sort()),
    trustedCorroborators: record.trustedCorroborators,
    conflicts: Object.freeze([...record.conflicts.values()]),
    conflictState: record.conflictState,
    status: record.status,
    statusReason: record.statusReason,
    statusSinceMs: record.statusSinceMs
  })
}

/**
 * The LIP runtime with its I/O (SPEC §7, §15.13): the liminal queue of internet evidence
 * under this node's own source tiers and trust view. LIP_EVIDENCE is queued and
 * evaluated; LIP_ACCEPT corroborates; LIP_CONFLICT and LIP_REJECT object; LIP_FETCH asks
 * the application to fetch. Every status change is reported (`lip_status`), and
 * {@link LipService.reevaluate} decides every item again when trust, tiers or load change.
 *
 * Which items a LIP_ACCEPT, LIP_CONFLICT or LIP_REJECT answers: the payloads of SPEC §4
 * name no evidence, so the explicit references are the entries of a LIP_CONFLICT's
 * `local_refs[]` that are evidence content ids (64 lowercase hex digits, see
 * `evidenceIdOf`); when there are none (and always for LIP_ACCEPT and LIP_REJECT) the
 * message answers every queued item from the same `source.uri`.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { LipEnvelope, LipTrustTier, SourceBlock } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import { LiminalQueue } from './lip-queue.ts'
import type { EvaluationContext, EvidenceItem, LiminalChange, LiminalQueueInit, LiminalUpdate, LipMessage } from './lip-queue.ts'
import { SourceTierTable } from './source-tiers.ts'
import type { SourceTierEntries } from './source-tiers.ts'

/** Options of the {@link LipService}. */
export interface LipServiceInit extends LiminalQueueInit {
  /** This node's source tiers by host pattern (`example.org`, `*.example.org`). @default none: every host is `unknown` */
  sourceTiers?: SourceTierEntries
}

/** What the service needs. */
export interface LipServiceComponents {
  /** This node's fingerprint: its own evidence counts as from a trusted submitter. */
  self: string
  /** This node's TrustFSM view of a fingerprint (SPEC §6). */
  trustOf: (fingerprint: string) => TrustState
  /** True while this node's presence is `overloaded`: acceptance waits (SPEC §7 rule 5). */
  isOverloaded: () => boolean
  clock: Pick<Clock, 'now'>
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** Told of every status change (the AgentLoop's `lip_status`); an exception it throws is logged. */
  onStatus?: (notice: LipStatusNotice) => void
  /** Told of every LIP_FETCH (the AgentLoop's `lip_fetch`): the application fetches; an exception it throws is logged. */
  onFetch?: (notice: LipFetchNotice) => void
}

/** An evidence item changed status (the AgentLoop's `lip_status`). */
export interface LipStatusNotice extends LiminalChange {
  /** The item after the change. */
  readonly item: EvidenceItem
}

/** A peer asked for evidence (LIP_FETCH). */
export interface LipFetchNotice {
  /** Fingerprint of the asking peer. */
  readonly from: string
  readonly msgId: string
  readonly query: string
  readonly constraints: readonly string[]
  readonly source: Readonly<SourceBlock>
}

const NOTHING: LiminalUpdate = Object.freeze({ ids: Object.freeze([]), changes: Object.freeze([]) })
const EVIDENCE_ID = /^[0-9a-f]{64}$/

/** The LIP service. */
export class LipService {
  readonly #components: LipServiceComponents
  readonly #log: Logger
  readonly #tiers: SourceTierTable
  readonly #queue: LiminalQueue

  /** @throws {RangeError} when a tier entry or a queue option is invalid */
  constructor (components: LipServiceComponents, init: LipServiceInit = {}) {
    this.#components = components
    this.#log = components.logger.child({ component: 'runtime:lip' })
    const { sourceTiers = [], ...queueInit } = init
    this.#tiers = new SourceTierTable(sourceTiers)
    const trustOf = (fingerprint: string): TrustState => fingerprint === components.self ? 'trusted' : components.trustOf(fingerprint)
    this.#queue = new LiminalQueue({ sourceTiers: this.#tiers, trustOf }, queueInit)
  }

  /**
   * Takes one verified LIP envelope: evidence is queued and evaluated, a decision or
   * conflict applies to the items it answers, a fetch request goes to the application.
   *
   * @throws {BackpressureError} reason `liminal_queue_full` when every queued item is unsettled
   */
  onEnvelope (envelope: LipEnvelope): LiminalUpdate {
    const from = envelope.sender.fingerprint
    const context = this.#context()
    let update: LiminalUpdate
    switch (envelope.type) {
      case 'LIP_FETCH':
        this.#fetch(envelope as LipEnvelope<'LIP_FETCH'>)
        return NOTHING
      case 'LIP_EVIDENCE': {
        const { payload, source } = envelope as LipEnvelope<'LIP_EVIDENCE'>
        update = this.#queue.addEvidence({ from, payload, source }, context)
        break
      }
      case 'LIP_ACCEPT':
        update = this.#queue.applyAccept(messageOf(envelope as LipEnvelope<'LIP_ACCEPT'>, []), context)
        break
      case 'LIP_REJECT':
        update = this.#queue.applyReject(messageOf(envelope as LipEnvelope<'LIP_REJECT'>, []), context)
        break
      case 'LIP_CONFLICT': {
        const conflict = envelope as LipEnvelope<'LIP_CONFLICT'>
        update = this.#queue.applyConflict(messageOf(conflict, conflict.payload.local_refs), context)
        break
      }
      default:
        // Untyped input only: the ProtocolRouter routes nothing else here.
        throw new InvalidEnvelopeError(`Cannot take "${String((envelope as { type: unknown }).type)}" as LIP`, { reason: 'unrouted_type' })
    }
    this.#report(update.changes)
    return update
  }

  /** Decides every item again: call it when trust changes, or when the local state stops being overloaded. */
  reevaluate (): LiminalUpdate {
    const update = this.#queue.reevaluate(this.#context())
    this.#report(update.changes)
    return update
  }

  /** Marks an item's standing conflicts resolved (this node or a human reconciled them) and decides it again. */
  markResolved (id: string): LiminalUpdate {
    const update = this.#queue.markResolved(id, this.#context())
    this.#report(update.changes)
    return update
  }

  /**
   * Sets this node's tier for a host pattern and decides every item again.
   *
   * @throws {RangeError} when the pattern is not a host or `*.host`, or the tier is not a LIP tier
   */
  setSourceTier (pattern: string, tier: LipTrustTier): LiminalUpdate {
    this.#tiers.set(pattern, tier)
    return this.reevaluate()
  }

  /**
   * Removes a host pattern (its hosts fall back to a parent pattern or `unknown`) and decides every item again.
   *
   * @throws {RangeError} when the pattern is not a host or `*.host`
   */
  deleteSourceTier (pattern: string): LiminalUpdate {
    this.#tiers.delete(pattern)
    return this.reevaluate()
  }

  /** This node's tier table as `[pattern, tier]`. */
  sourceTiers (): [string, LipTrustTier][] {
    return this.#tiers.entries()
  }

  /** A copy of one item. */
  get (id: string): EvidenceItem | undefined {
    return this.#queue.get(id)
  }

  /** Copies of the items, optionally of one status, oldest first. */
  list (filter: { status?: ClaimStatus } = {}): EvidenceItem[] {
    return this.#queue.list(filter)
  }

  #context (): EvaluationContext {
    return { nowMs: this.#components.clock.now(), isLocallyOverloaded: this.#components.isOverloaded() }
  }

  #fetch (envelope: LipEnvelope<'LIP_FETCH'>): void {
    const { query, constraints } = envelope.payload
    this.#components.events.emit('lip_fetch', envelope.sender.fingerprint, { msg_id: envelope.msg_id, query, constraints, uri: envelope.source.uri })
    const notice: LipFetchNotice = Object.freeze({
      from: envelope.sender.fingerprint, msgId: envelope.msg_id, query, constraints: Object.freeze([...constraints]), source: Object.freeze({ ...envelope.source })
    })
    try {
      this.#components.onFetch?.(notice)
    } catch (err) {
      this.#log.warn({ peer: notice.from, err: (err as Error).message }, 'onFetch threw')
    }
  }

  #report (changes: readonly LiminalChange[]): void {
    for (const change of changes) {
      const item = this.#queue.get(change.id)
      if (item === undefined) continue
      this.#components.metrics?.increment('web4_lip_status_changes_total', { to: change.to })
      this.#components.events.emit('lip_status', item.submitters[0] ?? null, {
        evidence_id: change.id, from: change.from, to: change.to, reason: change.reason, uri: item.source.uri,
        effective_tier: item.effectiveTier, trusted_corroborators: item.trustedCorroborators.length,
        conflict_state: item.conflictState, claims: item.claims.slice(0, 4).map((claim) => claim.slice(0, 120))
      })
      try {
        this.#components.onStatus?.(Object.freeze({ ...change, item }))
      } catch (err) {
        this.#log.warn({ evidence: change.id, err: (err as Error).message }, 'onStatus threw')
      }
    }
  }
}

/** The queue's view of a decision or conflict: explicit refs when it names evidence ids, else none (same source uri). */
function messageOf<P> (envelope: { sender: { fingerprint: string }, payload: P, source: SourceBlock }, candidates: readonly string[]): LipMessage<P> {
  const refs = candidates.filter((candidate) => EVIDENCE_ID.test(candidate))
  return { from: envelope.sender.fingerprint, payload: envelope.payload, source: envelope.source, ...(refs.length === 0 ? {} : { refs }) }
}

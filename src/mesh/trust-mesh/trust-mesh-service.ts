/**
 * The distributed TrustFSM with I/O (the brief's `trust_mesh`; SPEC §6, §15.6–§15.9):
 * knowledge outcomes move trust through the {@link ReputationLedger}; a trusted peer's
 * signed LSA introduces the nodes it lists (→ `probing`, never `trusted`); equivocation
 * evidence is checked here before anything happens, then acted on and spread to the
 * whole mesh with the evidence, so every receiver checks it itself. Every change goes
 * through the PeerRegistry, which persists it with its reason and causes first.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { JsonObject } from '../../protocol/canonical-json.ts'
import type { EvidencePayload } from '../../protocol/envelope/types.ts'
import { isWeb4Error } from '../../protocol/errors.ts'
import type { KnowledgeOutcome } from '../../runtime/knowledge/knowledge-service.ts'
import type { Lsa } from '../link-state/lsa.ts'
import type { PeerRegistry } from '../peers/index.ts'
import { equivocationProposal, verifyEquivocation } from './evidence.ts'
import { introductionsFrom } from './introductions.ts'
import { ReputationLedger } from './reputation.ts'
import type { TrustProposal } from './types.ts'

export interface TrustMeshServiceComponents {
  self: string
  registry: PeerRegistry
  /** Floods MESH_EVIDENCE to the whole mesh. */
  spreadEvidence: (payload: EvidencePayload) => void
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
}

/** The service. */
export class TrustMeshService {
  readonly #components: TrustMeshServiceComponents
  readonly #log: Logger
  readonly #reputation = new ReputationLedger()
  /** Peers whose equivocation this node already spread (once each). */
  readonly #spread = new Set<string>()

  constructor (components: TrustMeshServiceComponents) {
    this.#components = components
    this.#log = components.logger.child({ component: 'mesh:trust-mesh' })
  }

  /** Knowledge moved: credit, refute, uphold, or an equivocation caught in the act. */
  onKnowledgeOutcome (outcome: KnowledgeOutcome): void {
    const atMs = this.#components.clock.now()
    switch (outcome.kind) {
      case 'accepted':
        this.#reputation.onClaimAccepted({ claimId: outcome.claimId, proposer: outcome.proposer, isNovel: true, atMs, causeMsgIds: outcome.causeMsgIds })
        this.#reputation.onVerdictUpheld({ claimId: outcome.claimId, peers: outcome.confirmers, atMs, causeMsgIds: outcome.causeMsgIds })
        this.#evaluate([outcome.proposer, ...outcome.confirmers])
        return
      case 'refuted':
        this.#reputation.onClaimRefuted({ claimId: outcome.claimId, proposer: outcome.proposer, confirmers: outcome.confirmers, atMs, causeMsgIds: outcome.causeMsgIds })
        this.#reputation.onVerdictUpheld({ claimId: outcome.claimId, peers: outcome.challengers, atMs, causeMsgIds: outcome.causeMsgIds })
        this.#evaluate([outcome.proposer, ...outcome.confirmers, ...outcome.challengers])
        return
      case 'upheld':
        this.#reputation.onClaimUpheld({ claimId: outcome.claimId, challengers: outcome.challengers, atMs, causeMsgIds: outcome.causeMsgIds })
        this.#evaluate(outcome.challengers)
        return
      case 'equivocation':
        this.onEvidence({ kind: 'equivocation', envelopes: [outcome.envelopes[0] as unknown as JsonObject, outcome.envelopes[1] as unknown as JsonObject] }, true)
    }
  }

  /** A verified LSA arrived: a trusted origin introduces the nodes it lists (SPEC §6). */
  onLsa (lsa: Lsa): void {
    const { registry, self } = this.#components
    for (const proposal of introductionsFrom(lsa, { self, trustOf: (fingerprint) => registry.trustOf(fingerprint) })) {
      this.#apply(proposal, proposal)
    }
  }

  /**
   * Evidence of equivocation (caught here, or received in MESH_EVIDENCE): verified by this
   * node before anything happens; an accusation that does not verify changes nothing.
   */
  onEvidence (payload: EvidencePayload, isOwnFinding = false): void {
    let proposal: TrustProposal
    try {
      const [first, second] = payload.envelopes
      proposal = equivocationProposal(verifyEquivocation(first, second))
    } catch (err) {
      this.#components.metrics?.increment('web4_bad_input_total', { channel: 'mesh', error: isWeb4Error(err) ? 'invalid_envelope' : 'internal' })
      this.#components.events.emit('envelope_rejected', null, { channel: 'mesh', error: isWeb4Error(err) ? err.name : 'Error', reason: isWeb4Error(err) ? err.reason : 'evidence', what: 'equivocation evidence' })
      return
    }
    if (proposal.peer === this.#components.self) return
    this.#apply(proposal, proposal)
    if (!this.#spread.has(proposal.peer)) {
      this.#spread.add(proposal.peer)
      if (isOwnFinding) this.#components.spreadEvidence(payload)
    }
  }

  #evaluate (peers: readonly string[]): void {
    const nowMs = this.#components.clock.now()
    for (const peer of new Set(peers)) {
      if (peer === this.#components.self) continue
      const row = this.#components.registry.get(peer)
      const trust = row?.trust ?? 'unknown'
      const proposals = this.#reputation.evaluate(peer, {
        trust,
        isPinned: row?.isPinned === true,
        probingSinceMs: this.#probingSinceMs(peer, trust),
        nowMs
      })
      for (const proposal of proposals) this.#apply(proposal, proposal)
    }
  }

  /** When the peer last entered `probing` (its tenure starts there, SPEC §15.6). */
  #probingSinceMs (peer: string, trust: string): number | undefined {
    if (trust !== 'probing') return undefined
    const [last] = this.#components.registry.transitions({ peer, limit: 1 })
    return last?.to === 'probing' ? last.at : undefined
  }

  #apply (proposal: TrustProposal, cause: { reason: string, causeMsgIds: readonly string[] }): void {
    const transition = this.#components.registry.applyTrust(proposal.peer, proposal.event, { reason: cause.reason, causeMsgIds: [...cause.causeMsgIds] })
    if (!transition.ignored) this.#log.info({ peer: proposal.peer, from: transition.from, to: transition.to, rule: proposal.rule }, 'trust moved by the mesh')
  }
}

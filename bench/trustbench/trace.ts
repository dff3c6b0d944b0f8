/**
 * What each honest observer went through, in order (TRUSTBENCH §3.5 "computed by the
 * harness from statuses and trust logs"): its claim-status changes, its trust
 * transitions with reasons and causes, every verdict that reached its ledger, and its
 * refusals. The audit log keeps verdict arrivals, trust changes and status changes in
 * the exact order they happened, so I5 and I6 can be replayed "at that moment" and the
 * no-trust shadow can be computed from the same message trace.
 */
import type { MeshEvent } from '../../src/observability/events.ts'
import type { BodyEnvelope } from '../../src/protocol/envelope/types.ts'
import type { TrustState } from '../../src/protocol/trust/index.ts'
import type { ClaimStatus, VerdictKind } from '../../src/runtime/knowledge/types.ts'
import type { BenchNode } from './bench-node.ts'

/** One entry of an observer's audit log. */
export type AuditEntry =
  | { readonly t: 'propose', readonly claim: string, readonly proposer: string }
  | { readonly t: 'verdict', readonly claim: string, readonly from: string, readonly kind: VerdictKind }
  | { readonly t: 'own', readonly claim: string, readonly kind: VerdictKind }
  | { readonly t: 'trust', readonly peer: string, readonly to: TrustState }
  | { readonly t: 'status', readonly claim: string, readonly to: ClaimStatus, readonly round: number }

/** One trust transition at an observer (SPEC §6 "logged with its reason"). */
export interface TransitionEntry {
  readonly round: number
  readonly peer: string
  readonly from: TrustState
  readonly to: TrustState
  readonly event: string
  readonly causeMsgIds: readonly string[]
}

/** The trace of one honest observer. */
export class ObserverTrace {
  readonly node: BenchNode
  readonly log: AuditEntry[] = []
  readonly transitions: TransitionEntry[] = []
  /** First round each claim reached each status here. */
  readonly firstStatus = new Map<string, Partial<Record<ClaimStatus, number>>>()
  /** Trust of every peer at the moment the trace started. */
  readonly initialTrust = new Map<string, TrustState>()
  /** Identities that completed a handshake with this observer (direct or routed) by then. */
  readonly handshaked = new Set<string>()
  /** Refusals outside `ingest` (intake, mesh, evidence), by `<channel>:<error name>`. */
  readonly refusals = new Map<string, number>()
  #round: () => number

  constructor (node: BenchNode, round: () => number) {
    this.node = node
    this.#round = round
    for (const row of node.node.registry.list()) this.initialTrust.set(row.fingerprint, row.trust)
    for (const peer of node.node.peers()) if (peer.isHandshaken) this.handshaked.add(peer.fingerprint)
    node.node.events.subscribe((event) => { this.#onEvent(event) })
    // Verdicts that reach the ledger over the mesh (S7's targeted verdicts, relayed by honest nodes).
    node.node.onMessage(({ carrier }) => {
      const body = (carrier.payload as { body?: BodyEnvelope }).body
      if (body !== undefined) this.arrived(body)
    })
  }

  /** A claim message reached this observer's ledger (through `ingest` or the mesh). */
  arrived (body: BodyEnvelope): void {
    const payload = body.payload as { fact_ref?: string, fact?: { statement: string } }
    if (body.type === 'FACT_PROPOSE') return
    if (payload.fact_ref === undefined || body.sender.fingerprint === this.node.fingerprint) return
    this.log.push({ t: 'verdict', claim: payload.fact_ref, from: body.sender.fingerprint, kind: body.type === 'FACT_CONFIRM' ? 'confirm' : 'challenge' })
  }

  /** The first proposal of a claim reached this observer. */
  proposed (claim: string, proposer: string): void {
    this.log.push({ t: 'propose', claim, proposer })
  }

  /** This observer verified a claim itself (SPEC §15.11). */
  verified (claim: string, kind: VerdictKind): void {
    this.log.push({ t: 'own', claim, kind })
  }

  /** The first round `claim` was `status` here, or undefined. */
  firstRound (claim: string, status: ClaimStatus): number | undefined {
    return this.firstStatus.get(claim)?.[status]
  }

  #onEvent (event: MeshEvent): void {
    const round = this.#round()
    const payload = event.payload
    switch (event.event_type) {
      case 'claim_status': {
        const claim = String(payload.claim_id)
        const to = payload.to as ClaimStatus
        const first = this.firstStatus.get(claim) ?? {}
        first[to] ??= round
        this.firstStatus.set(claim, first)
        this.log.push({ t: 'status', claim, to, round })
        return
      }
      case 'trust_transition': {
        if (event.peer === null) return
        const to = payload.to as TrustState
        this.transitions.push({ round, peer: event.peer, from: payload.from as TrustState, to, event: String(payload.event), causeMsgIds: [...(payload.cause_msg_ids as string[])] })
        this.log.push({ t: 'trust', peer: event.peer, to })
        return
      }
      case 'envelope_rejected': {
        if (payload.channel === 'ingest') return
        const key = `${String(payload.channel)}:${String(payload.error)}`
        this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1)
        return
      }
      default:
    }
  }
}

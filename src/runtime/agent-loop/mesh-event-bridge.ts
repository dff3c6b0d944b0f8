/**
 * The AgentLoop notices hidden in observability events (SPEC §12): `trust_transition`
 * becomes `trust_change` and `claim_status` becomes `claim_status`. Events whose payload
 * does not have the expected shape yield nothing.
 */
import type { MeshEvent } from '../../observability/events.ts'
import { isTrustState } from '../../protocol/trust/index.ts'
import { CLAIM_STATUSES } from '../knowledge/types.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import type { ClaimStatusNotice, TrustChangeNotice } from './agent-loop-events.ts'

/** A notice to emit, with its event name. */
export type BridgedNotice =
  | { readonly name: 'trust_change', readonly notice: TrustChangeNotice }
  | { readonly name: 'claim_status', readonly notice: ClaimStatusNotice }

const isClaimStatus = (value: unknown): value is ClaimStatus => typeof value === 'string' && (CLAIM_STATUSES as readonly string[]).includes(value)
const textOf = (value: unknown): string => typeof value === 'string' ? value : ''

/** The AgentLoop notice an observability event stands for, if any. */
export function noticeOfMeshEvent (event: MeshEvent): BridgedNotice | undefined {
  const { payload } = event
  switch (event.event_type) {
    case 'trust_transition': {
      const { from, to } = payload
      if (event.peer === null || typeof from !== 'string' || typeof to !== 'string' || !isTrustState(from) || !isTrustState(to)) return undefined
      return { name: 'trust_change', notice: Object.freeze({ fingerprint: event.peer, from, to, event: textOf(payload.event), reason: textOf(payload.reason) }) }
    }
    case 'claim_status': {
      const { claim_id: claimId, from, to } = payload
      if (typeof claimId !== 'string' || !isClaimStatus(from) || !isClaimStatus(to)) return undefined
      return { name: 'claim_status', notice: Object.freeze({ claimId, proposer: event.peer, from, to, rule: textOf(payload.rule), reason: textOf(payload.reason) }) }
    }
    default:
      return undefined
  }
}

/**
 * Claim messages written by the harness for adversary identities (TRUSTBENCH §2
 * `puppet.sendRaw`): validly signed FACT_* envelopes with msg_ids from the cell's PRNG,
 * and the forgeries of S6 — a signature by the wrong key, an edited payload, a replayed
 * signature under a new msg_id, a stale timestamp. Every envelope handed out is deeply
 * frozen, so all recipients share one object (and one signature check).
 */
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { buildCipEnvelope, buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../src/protocol/envelope/builders.ts'
import { deepFreeze } from '../../src/protocol/envelope/open.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import { signedBytesOf } from '../../src/protocol/envelope/signature-scope.ts'
import type {
  BodyEnvelope, CipEnvelope, DmpTrace, Fact, FactChallengePayload, FactConfirmPayload, MeshEnvelope, MeshPayload, MeshType
} from '../../src/protocol/envelope/types.ts'
import { signBytes } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { Prng } from './prng.ts'

/** The domain of every benchmark statement. */
export const CLAIM_DOMAIN = 'trustbench'
/** Every claim message is a broadcast. */
const EVERYONE = Object.freeze({ agent_id: '*', fingerprint: '*' })

/** The fact of a benchmark statement. */
export function factOf (statement: string): Fact {
  return { statement, domain: CLAIM_DOMAIN, confidence: 0.9, sources: ['https://trustbench.invalid/fact'], context: 'trustbench' }
}

/** The DMP trace every benchmark proposal carries. */
export function traceOf (statement: string): DmpTrace {
  return { decision_id: statement, steps: ['observe'], counterfactuals: [], evidence: ['scripted'] }
}

/** Writes signed claim messages for one cell. */
export class EnvelopeWriter {
  readonly #rng: Prng

  constructor (rng: Prng) {
    this.#rng = rng
  }

  /** A FACT_PROPOSE of `statement` by `author`. */
  propose (author: EnvelopeAuthor, statement: string, nowMs: number): BodyEnvelope {
    return this.#seal(author, 'FACT_PROPOSE', { fact: factOf(statement), dmp_trace: traceOf(statement), causal_links: [] }, nowMs)
  }

  /** A FACT_CONFIRM of `claimId` by `author`. */
  confirm (author: EnvelopeAuthor, claimId: string, nowMs: number): BodyEnvelope {
    return this.#seal(author, 'FACT_CONFIRM', confirmPayload(claimId), nowMs)
  }

  /** A FACT_CHALLENGE (`conflict`) of `claimId` by `author`. */
  challenge (author: EnvelopeAuthor, claimId: string, nowMs: number): BodyEnvelope {
    const payload: FactChallengePayload = { fact_ref: claimId, reason: 'conflict', notes: '' }
    return this.#seal(author, 'FACT_CHALLENGE', payload, nowMs)
  }

  /** S6(a): a FACT_CONFIRM naming `victim` (fingerprint and pubkey) but signed by `forger`. */
  impersonatedConfirm (victim: EnvelopeAuthor, forger: KeyPairIdentity, claimId: string, nowMs: number): BodyEnvelope {
    const unsigned = buildCipEnvelope(victim, { type: 'FACT_CONFIRM', payload: confirmPayload(claimId), receiver: EVERYONE }, this.#options(nowMs))
    return deepFreeze({ ...unsigned, sign: { algo: 'ed25519', signature: signBytes(forger, signedBytesOf(unsigned)) } })
  }

  /** S6(b): `genuine` with its `fact_ref` edited to `claimId`, signature kept. */
  tampered (genuine: BodyEnvelope, claimId: string): BodyEnvelope {
    return deepFreeze({ ...structuredClone(genuine), payload: { ...(genuine.payload as FactConfirmPayload), fact_ref: claimId } } as BodyEnvelope)
  }

  /** S6(d): `genuine`'s signature under a new msg_id. */
  resigned (genuine: BodyEnvelope): BodyEnvelope {
    return deepFreeze({ ...structuredClone(genuine), msg_id: this.#rng.uuid() })
  }

  /** S6(e) and similar: a validly self-signed FACT_CONFIRM dated at `nowMs` (in the past). */
  staleConfirm (author: EnvelopeAuthor, claimId: string, datedMs: number): BodyEnvelope {
    return this.confirm(author, claimId, datedMs)
  }

  /** S6(g): `genuine` (a FACT_CONFIRM of `victim`) and a FACT_CHALLENGE of the same claim in the victim's name, signed by `forger`. */
  forgedCounterpart (genuine: BodyEnvelope, forger: KeyPairIdentity, nowMs: number): BodyEnvelope {
    const claimId = (genuine.payload as FactConfirmPayload).fact_ref
    const victim: EnvelopeAuthor = { identity: { ...forger, fingerprint: genuine.sender.fingerprint, pubkey: genuine.sender.pubkey }, agentId: genuine.sender.agent_id }
    const payload: FactChallengePayload = { fact_ref: claimId, reason: 'conflict', notes: '' }
    const unsigned = buildCipEnvelope(victim, { type: 'FACT_CHALLENGE', payload, receiver: EVERYONE }, this.#options(nowMs))
    return deepFreeze({ ...unsigned, sign: { algo: 'ed25519', signature: signBytes(forger, signedBytesOf(unsigned)) } })
  }

  /** A broadcast mesh carrier of `type` from `author` (S6(g) evidence, S7's targeted verdicts), as wire bytes. */
  carrier<T extends MeshType> (author: EnvelopeAuthor, type: T, payload: MeshPayload<T>, nowMs: number): { carrier: MeshEnvelope, bytes: Uint8Array } {
    const unsigned = buildMeshEnvelope(author, { type, payload, receiver: EVERYONE }, this.#options(nowMs))
    const carrier = sealEnvelope<MeshEnvelope>(unsigned, author.identity)
    return { carrier, bytes: canonicalBytes(carrier) }
  }

  #seal (author: EnvelopeAuthor, type: 'FACT_PROPOSE' | 'FACT_CONFIRM' | 'FACT_CHALLENGE', payload: unknown, nowMs: number): BodyEnvelope {
    const unsigned = buildCipEnvelope(author, { type, payload, receiver: EVERYONE } as never, this.#options(nowMs))
    return deepFreeze(sealEnvelope(unsigned as CipEnvelope, author.identity))
  }

  #options (nowMs: number): { nowMs: number, randomUUID: () => string } {
    return { nowMs, randomUUID: () => this.#rng.uuid() }
  }
}

function confirmPayload (claimId: string): FactConfirmPayload {
  return { fact_ref: claimId, decision: 'confirm', confidence: 1, notes: '' }
}

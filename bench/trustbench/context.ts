/**
 * The state of one running cell, shared by the round engine and the scripted agents:
 * the world, the one PRNG, the ground truth, the claim messages waiting for the next
 * round, the observers' traces and the counters the metrics read.
 */
import type { BodyEnvelope } from '../../src/protocol/envelope/types.ts'
import type { EnvelopeAuthor } from '../../src/protocol/envelope/builders.ts'
import type { BenchNode } from './bench-node.ts'
import type { ClaimBook } from './claim-book.ts'
import type { EnvelopeWriter } from './envelopes.ts'
import type { Prng } from './prng.ts'
import type { CellSpec, ScenarioPlan } from './scenarios.ts'
import type { ObserverTrace } from './trace.ts'
import type { World } from './world.ts'

/** A forged or replayed item of S6, for the FORGE audit and the typed-error check. */
export interface ForgedItem {
  /** `a` … `g` (TRUSTBENCH §3.4 S6). */
  readonly kind: 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g'
  readonly round: number
  /** The adversary identity that sent it (the only one it may cost trust, on a direct link). */
  readonly sender: string
  /** The error every honest recipient must refuse it with. */
  readonly expectedError: string
  /** msg_ids (or LSA cause ids) that only the forgery carries: no transition may cite them. */
  readonly forgedIds: readonly string[]
  /** For forged verdicts: the claim it names and the verdict it pretends, which no ledger may hold. */
  readonly verdict?: { readonly claim: string, readonly from: string, readonly msgId: string }
  /** The envelope, for the kinds delivered through `ingest`. */
  readonly body?: BodyEnvelope
  /** Honest nodes it was sent to; refusals with the expected error are counted in `refusedBy`. */
  readonly recipients: number
  refusedBy: number
}

/** Claim messages waiting for the start of the next round (TRUSTBENCH §3.1). */
export interface Outbox {
  /** Delivered first (worst case). */
  adversary: BodyEnvelope[]
  honest: BodyEnvelope[]
}

/** Counters of one cell. */
export interface CellStats {
  /** `ingest` calls (each a delivery of a claim message to one honest node). */
  ingests: number
  /** Signed claim messages written (honest and adversary, forgeries included). */
  envelopes: number
  /** `ingest` refusals by error name. */
  ingestErrors: Map<string, number>
  /** Adversary confirmations of true claims (COST contributions). */
  adversaryTrueConfirms: number
  /** Introductions sent, and those skipped because they could change nothing. */
  introductionsSent: number
  introductionsSkipped: number
  /** Adversary identities trusted at each honest observer, per round (index = round). */
  adversariesTrusted: number[][]
  /** COV at the flip round: non-root honest peers trusted, and pairs counted. */
  coverage: { trusted: number, pairs: number } | undefined
  /** S7: the round every honest node had the equivocator blacklisted. */
  equivocationDetectedRound: number | undefined
}

/** One running cell. */
export interface CellContext {
  readonly spec: CellSpec
  readonly plan: ScenarioPlan
  readonly world: World
  readonly rng: Prng
  readonly book: ClaimBook
  readonly writer: EnvelopeWriter
  readonly traces: ReadonlyMap<string, ObserverTrace>
  readonly outbox: Outbox
  readonly stats: CellStats
  /** Claims that became visible at each honest node this round, in arrival order. */
  readonly visible: Map<string, string[]>
  /** Genuine FACT_CONFIRMs of roots and of other honest nodes (S6 material). */
  readonly rootConfirms: BodyEnvelope[]
  readonly honestConfirms: BodyEnvelope[]
  readonly forged: ForgedItem[]
  /** S7: the equivocator's fingerprint and the round it equivocated, once it has. */
  equivocator: string | undefined
  equivocationRound: number | undefined
  /** The current round. */
  readonly round: () => number
}

/** The author block of a node (for envelopes the harness writes in its name). */
export function authorOf (node: BenchNode): EnvelopeAuthor {
  return { identity: node.identity, agentId: node.name }
}

/** Empty counters. */
export function createStats (): CellStats {
  return {
    ingests: 0,
    envelopes: 0,
    ingestErrors: new Map(),
    adversaryTrueConfirms: 0,
    introductionsSent: 0,
    introductionsSkipped: 0,
    adversariesTrusted: [],
    coverage: undefined,
    equivocationDetectedRound: undefined
  }
}

/** Queues one adversary claim message for the next round (counted; COST counts its confirmations of true claims). */
export function sendAdversarial (context: CellContext, body: BodyEnvelope): void {
  context.outbox.adversary.push(body)
  context.stats.envelopes++
  const isOwn = context.world.byFingerprint.get(body.sender.fingerprint)?.kind !== 'honest'
  if (isOwn && body.type === 'FACT_CONFIRM' && context.book.get((body.payload as { fact_ref: string }).fact_ref)?.isTrue === true) context.stats.adversaryTrueConfirms++
}

/** Now, on the round clock. */
export function nowOf (context: CellContext): number {
  return context.world.clock.now()
}

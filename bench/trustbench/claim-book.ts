/**
 * The harness's ground truth (TRUSTBENCH §3.2 "the harness keeps truth[claimId]"): every
 * statement it made up, whether it is true, who proposed it first, when, and whether
 * that proposer is honest. Statements are fresh and unique (`fact-<seed>-<n>`); claim ids
 * are the node's own content-derived ids (SPEC §15.12).
 */
import { claimIdOf } from '../../src/runtime/knowledge/claim-id.ts'
import { CLAIM_DOMAIN } from './envelopes.ts'

/** One claim as the harness knows it. */
export interface ClaimInfo {
  readonly id: string
  readonly statement: string
  readonly isTrue: boolean
  /** Fingerprint of the first proposer. */
  readonly proposer: string
  readonly isAdversarial: boolean
  /** The round it was proposed in. */
  readonly round: number
}

/** The claims of one cell. */
export class ClaimBook {
  readonly #seed: number
  readonly #claims = new Map<string, ClaimInfo>()
  #next = 0

  constructor (seed: number) {
    this.#seed = seed
  }

  /** A fresh statement never used before in this cell. */
  freshStatement (): string {
    return `fact-${this.#seed}-${this.#next++}`
  }

  /** Records a first proposal; returns its claim. */
  add (statement: string, info: Omit<ClaimInfo, 'id' | 'statement'>): ClaimInfo {
    const id = claimIdOf(statement, CLAIM_DOMAIN)
    const known = this.#claims.get(id)
    if (known !== undefined) return known
    const claim: ClaimInfo = Object.freeze({ id, statement, ...info })
    this.#claims.set(id, claim)
    return claim
  }

  get (id: string): ClaimInfo | undefined {
    return this.#claims.get(id)
  }

  /** Every claim, in the order proposed. */
  all (): ClaimInfo[] {
    return [...this.#claims.values()]
  }

  /** Claims proposed in `round`. */
  proposedIn (round: number): ClaimInfo[] {
    return this.all().filter((claim) => claim.round === round)
  }
}

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TrustState } from '../../protocol/trust/index.ts'
import { claimIdOf } from './claim-id.ts'
import { ClaimLedger } from './claim-ledger.ts'
import type { ProposeInput } from './claim-ledger.ts'
import { CHALLENGE_WINDOW_MS } from './constants.ts'
import { ACCEPTANCE_REASONS } from './deferred-acceptance.ts'
import { contextOf, DMP_TRACE, factOf, SELF, verdictOf } from './fixtures.test.ts'

const TRUST: Record<string, TrustState> = { P: 'probing', A: 'trusted', B: 'trusted', C: 'trusted', D: 'trusted', Q: 'probing' }

/** A FACT_PROPOSE of `statement` by `proposer` at `atMs`. */
function proposal (statement: string, proposer = 'P', atMs = 0): ProposeInput {
  return { fact: factOf(statement), dmpTrace: DMP_TRACE, causalLinks: ['link-1'], proposer, msgId: `propose-${statement}-${proposer}`, atMs }
}

/** The error a function throws. */
function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

describe('ClaimLedger.propose()', () => {
  it('creates a pending claim with a content-derived id, naming the first proposer', () => {
    const ledger = new ClaimLedger()
    const result = ledger.propose(proposal('  fact one  ', 'P', 100))
    assert.equal(result.isNew, true)
    assert.equal(result.isNovelFor, 'P')
    assert.equal(result.claim.id, claimIdOf('fact one', 'test'))
    assert.equal(result.claim.statement, 'fact one')
    assert.equal(result.claim.status, 'pending')
    assert.equal(result.claim.firstSeenAtMs, 100)
    assert.equal(ledger.size, 1)
  })

  it('earns a re-proposal of the same content nothing and never changes the proposer', () => {
    const ledger = new ClaimLedger()
    const first = ledger.propose(proposal('fact one', 'P', 100))
    const again = ledger.propose(proposal('fact one ', 'Q', 200))
    assert.equal(again.isNew, false)
    assert.equal(again.isNovelFor, undefined)
    assert.equal(again.claim.id, first.claim.id)
    assert.equal(again.claim.proposer, 'P')
    assert.equal(again.claim.firstSeenAtMs, 100)
    assert.equal(ledger.propose(proposal('fact one', 'P', 300)).isNovelFor, undefined)
  })

  it('refuses a new claim beyond its bound with a BackpressureError (claim_ledger_full)', () => {
    const ledger = new ClaimLedger({ maxClaims: 2 })
    ledger.propose(proposal('one'))
    ledger.propose(proposal('two'))
    const err = thrown(() => ledger.propose(proposal('three')))
    assert.equal((err as Error).name, 'BackpressureError')
    assert.equal((err as { reason: string }).reason, 'claim_ledger_full')
    assert.equal(ledger.size, 2)
    assert.equal(ledger.propose(proposal('one', 'Q')).isNew, false)
  })

  it('rejects bounds that are not positive integers', () => {
    assert.throws(() => new ClaimLedger({ maxClaims: 0 }), RangeError)
    assert.throws(() => new ClaimLedger({ maxEarlyVerdicts: 1.5 }), RangeError)
  })

  it('hands out copies that cannot change the ledger', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one'))
    claim.status = 'accepted'
    claim.verdicts.push(verdictOf('A', 'confirm'))
    assert.equal(ledger.get(claim.id)?.status, 'pending')
    assert.deepEqual(ledger.get(claim.id)?.verdicts, [])
  })
})

describe('ClaimLedger.addVerdict()', () => {
  it('records, ignores the proposer, reports duplicates and equivocations', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one'))
    const confirm = verdictOf('A', 'confirm')
    assert.deepEqual(ledger.addVerdict(claim.id, confirm), { outcome: 'recorded' })
    assert.deepEqual(ledger.addVerdict(claim.id, verdictOf('P', 'confirm')), { outcome: 'from_proposer' })
    assert.deepEqual(ledger.addVerdict(claim.id, verdictOf('A', 'confirm')), { outcome: 'duplicate', previous: confirm })
    const flip = verdictOf('A', 'challenge')
    assert.deepEqual(ledger.addVerdict(claim.id, flip), { outcome: 'equivocation', previous: confirm })
    assert.deepEqual(ledger.get(claim.id)?.verdicts, [flip])
  })

  it('buffers verdicts on an unknown claim and applies them when its proposal arrives', () => {
    const ledger = new ClaimLedger()
    const id = claimIdOf('early', 'test')
    assert.equal(ledger.addVerdict(id, verdictOf('A', 'confirm')).outcome, 'unknown_claim')
    assert.equal(ledger.addVerdict(id, verdictOf('B', 'confirm')).outcome, 'unknown_claim')
    assert.equal(ledger.addVerdict(id, verdictOf('P', 'confirm')).outcome, 'unknown_claim')
    assert.equal(ledger.addVerdict(id, verdictOf('B', 'challenge')).outcome, 'equivocation')
    assert.equal(ledger.earlyVerdictCount, 3)
    ledger.propose(proposal('early', 'P', 5_000))
    assert.equal(ledger.earlyVerdictCount, 0)
    assert.deepEqual(ledger.get(id)?.verdicts.map((v) => [v.from, v.kind]), [['A', 'confirm'], ['B', 'challenge']])
    assert.equal(ledger.addVerdict(id, verdictOf('A', 'challenge')).outcome, 'equivocation')
  })

  it('refuses a verdict from one peer too many (claim_verdicts_full)', () => {
    const ledger = new ClaimLedger({ maxVerdictsPerClaim: 2 })
    const { claim } = ledger.propose(proposal('one'))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm'))
    ledger.addVerdict(claim.id, verdictOf('B', 'confirm'))
    const err = thrown(() => ledger.addVerdict(claim.id, verdictOf('C', 'confirm')))
    assert.equal((err as { reason: string }).reason, 'claim_verdicts_full')
    assert.equal(ledger.addVerdict(claim.id, verdictOf('B', 'challenge')).outcome, 'equivocation')
  })

  it('evicts the oldest claim\'s early verdicts when the buffer is full', () => {
    const ledger = new ClaimLedger({ maxEarlyVerdicts: 2 })
    ledger.addVerdict(claimIdOf('old', 'test'), verdictOf('A', 'confirm'))
    ledger.addVerdict(claimIdOf('new', 'test'), verdictOf('A', 'confirm'))
    ledger.addVerdict(claimIdOf('new', 'test'), verdictOf('B', 'confirm'))
    assert.equal(ledger.earlyVerdictCount, 2)
    assert.deepEqual(ledger.propose(proposal('old')).claim.verdicts, [])
    assert.equal(ledger.propose(proposal('new')).claim.verdicts.length, 2)
  })
})

describe('ClaimLedger.evaluate()', () => {
  it('moves a claim pending → accepted after the window and reports each change once', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one', 'P', 0))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm', 500))
    ledger.setOwnVerdict(claim.id, 'confirm')
    assert.deepEqual(ledger.evaluate(contextOf(TRUST, { nowMs: 1_000 })), [])
    const changes = ledger.evaluate(contextOf(TRUST, { nowMs: CHALLENGE_WINDOW_MS }))
    assert.equal(changes.length, 1)
    assert.deepEqual({ ...changes[0], decision: undefined }, { claimId: claim.id, from: 'pending', to: 'accepted', reason: ACCEPTANCE_REASONS.quorum, decision: undefined, isRetraction: false })
    assert.deepEqual(changes[0]?.decision.trustedConfirmers, ['A', SELF])
    const stored = ledger.get(claim.id)
    assert.equal(stored?.status, 'accepted')
    assert.equal(stored.statusSinceMs, CHALLENGE_WINDOW_MS)
    assert.equal(stored.wasEverAccepted, true)
    assert.deepEqual(ledger.evaluate(contextOf(TRUST, { nowMs: 3_000 })), [])
  })

  it('retracts on a late challenge, and holds acceptance when trust merely lapses', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one'))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm'))
    ledger.addVerdict(claim.id, verdictOf('B', 'confirm'))
    ledger.evaluate(contextOf(TRUST))
    assert.deepEqual(ledger.evaluate(contextOf({ ...TRUST, A: 'probing', B: 'probing' })), [])
    assert.equal(ledger.statusOf(claim.id), 'accepted')
    ledger.addVerdict(claim.id, verdictOf('C', 'challenge'))
    const [change] = ledger.evaluate(contextOf(TRUST))
    assert.equal(change?.to, 'disputed')
    assert.equal(change.isRetraction, true)
    assert.equal(ledger.get(claim.id)?.wasEverAccepted, true)
  })

  it('rejects every claim of a proposer that turns untrusted (TrustBench I6)', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one'))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm'))
    ledger.addVerdict(claim.id, verdictOf('B', 'confirm'))
    ledger.evaluate(contextOf(TRUST))
    const [change] = ledger.evaluate(contextOf({ ...TRUST, P: 'untrusted' }))
    assert.equal(change?.to, 'rejected')
    assert.equal(change.decision.rule, 'untrusted_proposer')
  })

  it('weighs the challenges and confirmations of one batch together', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one', 'P', 0))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm', 2_500))
    ledger.addVerdict(claim.id, verdictOf('B', 'confirm', 2_500))
    ledger.addVerdict(claim.id, verdictOf('C', 'challenge', 2_500))
    assert.equal(ledger.evaluate(contextOf(TRUST, { nowMs: 2_500 }))[0]?.to, 'disputed')
  })

  it('evaluates only the claims asked for', () => {
    const ledger = new ClaimLedger()
    const one = ledger.propose(proposal('one')).claim.id
    const two = ledger.propose(proposal('two')).claim.id
    for (const id of [one, two]) for (const peer of ['A', 'B']) ledger.addVerdict(id, verdictOf(peer, 'confirm'))
    assert.deepEqual(ledger.evaluate(contextOf(TRUST), { claimIds: [two, two, 'missing'] }).map((c) => c.claimId), [two])
    assert.deepEqual(ledger.list({ status: 'pending' }).map((c) => c.id), [one])
  })
})

describe('ClaimLedger.nextWindowEndMs()', () => {
  it('gives the earliest open window end after now, skipping settled claims', () => {
    const ledger = new ClaimLedger()
    assert.equal(ledger.nextWindowEndMs(0), undefined)
    ledger.propose(proposal('late', 'P', 1_500))
    ledger.propose(proposal('early', 'P', 1_000))
    const rejected = ledger.propose(proposal('rejected', 'Q', 500)).claim.id
    ledger.evaluate(contextOf({ ...TRUST, Q: 'untrusted' }, { nowMs: 900 }))
    assert.equal(ledger.statusOf(rejected), 'rejected')
    assert.equal(ledger.nextWindowEndMs(900), 3_000)
    assert.equal(ledger.nextWindowEndMs(3_000), 3_500)
    assert.equal(ledger.nextWindowEndMs(3_500), undefined)
    assert.equal(ledger.nextWindowEndMs(900, 5_000), 6_000)
  })
})

describe('ClaimLedger.export() and restore()', () => {
  it('round-trips claims, keeps statuses, and never regresses a restored acceptance by itself', () => {
    const ledger = new ClaimLedger()
    const { claim } = ledger.propose(proposal('one'))
    ledger.addVerdict(claim.id, verdictOf('A', 'confirm'))
    ledger.addVerdict(claim.id, verdictOf('B', 'confirm'))
    ledger.setOwnVerdict(claim.id, 'confirm')
    ledger.evaluate(contextOf(TRUST))
    ledger.propose(proposal('two'))
    const records = ledger.export()
    const restored = new ClaimLedger()
    assert.equal(restored.restore(JSON.parse(JSON.stringify(records)) as typeof records), 2)
    assert.deepEqual(restored.export(), records)
    assert.deepEqual(restored.evaluate(contextOf({})), [])
    assert.equal(restored.statusOf(claim.id), 'accepted')
    assert.equal(restored.restore(records), 0)
  })

  it('refuses malformed records and records whose id does not match their content', () => {
    const ledger = new ClaimLedger()
    const [record] = (() => {
      const source = new ClaimLedger()
      source.propose(proposal('one'))
      return source.export()
    })()
    assert.ok(record !== undefined)
    assert.throws(() => ledger.restore([{ ...record, id: 'f'.repeat(64) }]), /id does not match/)
    assert.throws(() => ledger.restore([{ ...record, status: 'gone' as 'pending' }]), TypeError)
    assert.throws(() => ledger.restore([{ ...record, verdicts: [{ from: 'A', kind: 'maybe' as 'confirm', msgId: 'm', atMs: 0 }] }]), TypeError)
    assert.equal(ledger.size, 0)
  })

  it('refuses records beyond its bound', () => {
    const source = new ClaimLedger()
    source.propose(proposal('one'))
    source.propose(proposal('two'))
    const err = thrown(() => new ClaimLedger({ maxClaims: 1 }).restore(source.export()))
    assert.equal((err as { reason: string }).reason, 'claim_ledger_full')
  })
})

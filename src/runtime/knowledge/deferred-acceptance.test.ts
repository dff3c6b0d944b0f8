import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { TrustState } from '../../protocol/trust/index.ts'
import {
  CHALLENGE_WINDOW_MS, DISPUTE_MARGIN_MIN, DISPUTE_MARGIN_RATIO, MIN_TRUSTED_CONFIRMATIONS, OWN_VERIFICATION_WEIGHT,
  PINNED_ROOT_WEIGHT, TRUSTED_WEIGHT
} from './constants.ts'
import { ACCEPTANCE_REASONS, decideClaimStatus, hasClearMargin, nextClaimStatus, RULE_STATUS } from './deferred-acceptance.ts'
import { claimOf, contextOf, SELF, verdictOf } from './fixtures.test.ts'
import { ACCEPTANCE_RULES, CLAIM_STATUSES } from './types.ts'
import type { AcceptanceDecision, AcceptanceRule, ClaimStatus, VerdictKind } from './types.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 500 }
/** Trusted peers A–J, root R, probing Q, untrusted X, blacklisted Z; proposer P probing. */
const TRUST: Record<string, TrustState> = {
  P: 'probing', A: 'trusted', B: 'trusted', C: 'trusted', D: 'trusted', E: 'trusted', F: 'trusted', G: 'trusted', H: 'trusted', I: 'trusted', J: 'trusted', R: 'trusted',
  Q: 'probing', X: 'untrusted', Z: 'blacklisted'
}
const AFTER = contextOf(TRUST, { nowMs: 10_000, pinned: ['R'] })

/** Verdicts of each named peer of one kind. */
function verdicts (kind: VerdictKind, ...peers: string[]): ReturnType<typeof verdictOf>[] {
  return peers.map((peer) => verdictOf(peer, kind))
}

/** Asserts a decision's status, rule and reason. */
function assertRule (decision: AcceptanceDecision, status: ClaimStatus, rule: AcceptanceRule): void {
  assert.equal(decision.rule, rule)
  assert.equal(decision.status, status)
  assert.equal(decision.reason, ACCEPTANCE_REASONS[rule])
}

describe('decideClaimStatus() rule 1: the proposer', () => {
  const confirmed = verdicts('confirm', 'A', 'B', 'C')
  it('rejects a claim whose proposer is untrusted here, whatever the confirmations', () => {
    assertRule(decideClaimStatus(claimOf({ proposer: 'X', verdicts: confirmed }), AFTER), 'rejected', 'untrusted_proposer')
  })
  it('rejects a claim whose proposer is blacklisted here', () => {
    assertRule(decideClaimStatus(claimOf({ proposer: 'Z', verdicts: confirmed }), AFTER), 'rejected', 'untrusted_proposer')
  })
  it('keeps a claim of an unknown proposer pending, even with challenges (SPEC §15.2)', () => {
    const claim = claimOf({ proposer: 'stranger', verdicts: [...confirmed, ...verdicts('challenge', 'D', 'E')] })
    assertRule(decideClaimStatus(claim, AFTER), 'pending', 'unknown_proposer')
  })
  it('lets probing and trusted proposers through to the quorum', () => {
    assertRule(decideClaimStatus(claimOf({ proposer: 'P', verdicts: confirmed }), AFTER), 'accepted', 'quorum')
    assertRule(decideClaimStatus(claimOf({ proposer: 'F', verdicts: confirmed }), AFTER), 'accepted', 'quorum')
  })
  it('applies the quorum rules to this node\'s own claims, without counting its own word', () => {
    assertRule(decideClaimStatus(claimOf({ proposer: SELF, ownVerdict: 'confirm', verdicts: verdicts('confirm', 'A') }), AFTER), 'pending', 'awaiting_quorum')
    assertRule(decideClaimStatus(claimOf({ proposer: SELF, verdicts: verdicts('confirm', 'A', 'B') }), AFTER), 'accepted', 'quorum')
  })
})

describe('decideClaimStatus() rule 2: what counts', () => {
  it('counts only peers trusted here now, never the proposer, each peer once', () => {
    const claim = claimOf({ verdicts: [...verdicts('confirm', 'A', 'A', 'P', 'Q', 'X', 'Z', 'stranger')] })
    const decision = decideClaimStatus(claim, AFTER)
    assertRule(decision, 'pending', 'awaiting_quorum')
    assert.deepEqual(decision.trustedConfirmers, ['A'])
    assert.equal(decision.confirmWeight, TRUSTED_WEIGHT)
  })
  it('counts each peer\'s latest verdict', () => {
    const claim = claimOf({ verdicts: [verdictOf('A', 'challenge', 100), verdictOf('B', 'confirm', 100), verdictOf('A', 'confirm', 200)] })
    const decision = decideClaimStatus(claim, AFTER)
    assertRule(decision, 'accepted', 'quorum')
    assert.deepEqual(decision.trustedChallengers, [])
  })
  it('counts this node\'s own verification once, with its weight, and ignores its echoed verdicts', () => {
    const claim = claimOf({ ownVerdict: 'confirm', verdicts: [...verdicts('confirm', 'A', SELF, SELF)] })
    const decision = decideClaimStatus(claim, AFTER)
    assertRule(decision, 'accepted', 'quorum')
    assert.deepEqual(decision.trustedConfirmers, ['A', SELF])
    assert.equal(decision.confirmWeight, TRUSTED_WEIGHT + OWN_VERIFICATION_WEIGHT)
  })
  it('weighs a trusted pinned root more, and not at all when the root is not trusted here', () => {
    const decision = decideClaimStatus(claimOf({ verdicts: verdicts('confirm', 'R', 'A') }), AFTER)
    assert.equal(decision.confirmWeight, PINNED_ROOT_WEIGHT + TRUSTED_WEIGHT)
    const demoted = contextOf({ ...TRUST, R: 'probing' }, { pinned: ['R'] })
    assertRule(decideClaimStatus(claimOf({ verdicts: verdicts('confirm', 'R', 'A') }), demoted), 'pending', 'awaiting_quorum')
  })
  it('reads trust at the moment of the decision', () => {
    const claim = claimOf({ verdicts: verdicts('confirm', 'A', 'B') })
    assertRule(decideClaimStatus(claim, AFTER), 'accepted', 'quorum')
    assertRule(decideClaimStatus(claim, contextOf({ ...TRUST, B: 'probing' })), 'pending', 'awaiting_quorum')
  })
})

describe('decideClaimStatus() rule 3: the challenge window', () => {
  const inside = contextOf(TRUST, { nowMs: CHALLENGE_WINDOW_MS - 1 })
  it('keeps a confirmed claim pending inside the window', () => {
    assertRule(decideClaimStatus(claimOf({ ownVerdict: 'confirm', verdicts: verdicts('confirm', 'A', 'B', 'C') }), inside), 'pending', 'window_open')
  })
  it('disputes a claim with a counted challenge inside the window, whatever the confirmations', () => {
    const claim = claimOf({ verdicts: [...verdicts('confirm', 'A', 'B', 'C', 'D'), ...verdicts('challenge', 'E')] })
    assertRule(decideClaimStatus(claim, inside), 'disputed', 'window_challenged')
  })
  it('ignores an uncounted challenge inside the window', () => {
    assertRule(decideClaimStatus(claimOf({ verdicts: verdicts('challenge', 'Q', 'X') }), inside), 'pending', 'window_open')
  })
  it('closes the window exactly windowMs after the claim became visible', () => {
    const claim = claimOf({ firstSeenAtMs: 500, verdicts: verdicts('confirm', 'A', 'B') })
    assertRule(decideClaimStatus(claim, contextOf(TRUST, { nowMs: 2_499 })), 'pending', 'window_open')
    assertRule(decideClaimStatus(claim, contextOf(TRUST, { nowMs: 2_500 })), 'accepted', 'quorum')
  })
  it('keeps a claim inside its window when the clock is behind its first sighting', () => {
    assertRule(decideClaimStatus(claimOf({ firstSeenAtMs: 20_000, verdicts: verdicts('confirm', 'A', 'B') }), AFTER), 'pending', 'window_open')
  })
})

describe('decideClaimStatus() rule 4: after the window, no counted challenge', () => {
  it('accepts with 2 counted confirmers', () => {
    const decision = decideClaimStatus(claimOf({ verdicts: verdicts('confirm', 'B', 'A') }), AFTER)
    assertRule(decision, 'accepted', 'quorum')
    assert.deepEqual(decision.trustedConfirmers, ['A', 'B'])
  })
  it('waits with fewer, however heavy', () => {
    assertRule(decideClaimStatus(claimOf({ verdicts: verdicts('confirm', 'R') }), AFTER), 'pending', 'awaiting_quorum')
    assertRule(decideClaimStatus(claimOf({ ownVerdict: 'confirm' }), AFTER), 'pending', 'awaiting_quorum')
  })
})

describe('decideClaimStatus() rule 5: after the window, with counted challenges', () => {
  const rows: Array<[string, string[], string[], VerdictKind | undefined, ClaimStatus, AcceptanceRule]> = [
    ['4 confirm vs 1 challenge', ['A', 'B', 'C', 'D'], ['E'], undefined, 'accepted', 'majority_confirms'],
    ['2 confirm vs 1 challenge', ['A', 'B'], ['C'], undefined, 'disputed', 'no_clear_majority'],
    ['3 confirm vs 1 challenge', ['A', 'B', 'C'], ['D'], undefined, 'accepted', 'majority_confirms'],
    ['9 confirm vs a root challenge', ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'], ['R'], undefined, 'disputed', 'no_clear_majority'],
    ['10 confirm vs a root challenge', ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'], ['R'], undefined, 'accepted', 'majority_confirms'],
    ['no confirm vs 2 challenges', [], ['A', 'B'], undefined, 'rejected', 'majority_refutes'],
    ['no confirm vs 1 challenge', [], ['A'], undefined, 'disputed', 'no_clear_majority'],
    ['a root challenge vs 1 confirm', ['A'], ['R'], undefined, 'rejected', 'majority_refutes'],
    ['own challenge alone', [], [], 'challenge', 'rejected', 'majority_refutes'],
    ['own confirm vs 1 challenge', [], ['A'], 'confirm', 'disputed', 'confirms_short_of_quorum'],
    ['own confirm + 1 confirm vs 1 challenge', ['B'], ['A'], 'confirm', 'accepted', 'majority_confirms'],
    ['root confirm vs 1 challenge', ['R'], ['A'], undefined, 'disputed', 'confirms_short_of_quorum']
  ]
  for (const [name, confirmers, challengers, own, status, rule] of rows) {
    it(`${name} → ${status} (${rule})`, () => {
      const claim = claimOf({ verdicts: [...verdicts('confirm', ...confirmers), ...verdicts('challenge', ...challengers)], ...(own === undefined ? {} : { ownVerdict: own }) })
      assertRule(decideClaimStatus(claim, AFTER), status, rule)
    })
  }
  it('re-decides an accepted claim that meets a late challenge (SPEC §15.5)', () => {
    const claim = claimOf({ status: 'accepted', wasEverAccepted: true, verdicts: [...verdicts('confirm', 'A', 'B'), ...verdicts('challenge', 'C')] })
    assertRule(decideClaimStatus(claim, AFTER), 'disputed', 'no_clear_majority')
  })
})

describe('decideClaimStatus() overload and bad input', () => {
  it('defers an acceptance while the local state is overloaded (SPEC §7(5)), and nothing else', () => {
    const overloaded = contextOf(TRUST, { isOverloaded: true })
    assertRule(decideClaimStatus(claimOf({ verdicts: verdicts('confirm', 'A', 'B') }), overloaded), 'pending', 'overloaded')
    assertRule(decideClaimStatus(claimOf({ verdicts: verdicts('challenge', 'A', 'B') }), overloaded), 'rejected', 'majority_refutes')
  })
  it('throws a RangeError on a non-finite time or window', () => {
    assert.throws(() => decideClaimStatus(claimOf(), contextOf(TRUST, { nowMs: Number.NaN })), RangeError)
    assert.throws(() => decideClaimStatus(claimOf(), contextOf(TRUST, { windowMs: Number.NaN })), RangeError)
    assert.throws(() => decideClaimStatus(claimOf(), contextOf(TRUST, { windowMs: -1 })), RangeError)
  })
})

describe('the decision tables', () => {
  it('give every rule a status and a reason citing the spec', () => {
    for (const rule of ACCEPTANCE_RULES) {
      assert.ok(CLAIM_STATUSES.includes(RULE_STATUS[rule]))
      assert.match(ACCEPTANCE_REASONS[rule], /SPEC §/)
    }
  })
  it('hasClearMargin() needs both the ratio and the minimum lead', () => {
    assert.equal(DISPUTE_MARGIN_RATIO, 2)
    assert.equal(DISPUTE_MARGIN_MIN, 2)
    assert.ok(hasClearMargin(2, 0) && hasClearMargin(4, 2) && hasClearMargin(3, 1))
    assert.ok(!hasClearMargin(1, 0) && !hasClearMargin(2, 1) && !hasClearMargin(5, 3) && !hasClearMargin(0, 0))
  })
  it('nextClaimStatus() holds an acceptance against pending, never against disputed or rejected', () => {
    const decision = (status: ClaimStatus): AcceptanceDecision => ({ status, rule: 'window_open', reason: '', trustedConfirmers: [], trustedChallengers: [], confirmWeight: 0, challengeWeight: 0 })
    assert.equal(nextClaimStatus('accepted', decision('pending')), 'accepted')
    assert.equal(nextClaimStatus('accepted', decision('disputed')), 'disputed')
    assert.equal(nextClaimStatus('accepted', decision('rejected')), 'rejected')
    assert.equal(nextClaimStatus('rejected', decision('pending')), 'pending')
    assert.equal(nextClaimStatus('pending', decision('accepted')), 'accepted')
  })
  it('weigh roots and the own verification above a trusted peer; quorum is 2', () => {
    assert.deepEqual([TRUSTED_WEIGHT, PINNED_ROOT_WEIGHT, OWN_VERIFICATION_WEIGHT], [1, 5, 3])
    assert.equal(MIN_TRUSTED_CONFIRMATIONS, 2)
    assert.equal(CHALLENGE_WINDOW_MS, 2_000)
  })
})

const PEERS = ['P', 'A', 'B', 'C', 'R', SELF] as const
const arbitraryTrust = fc.constantFrom<TrustState>('unknown', 'untrusted', 'probing', 'trusted', 'blacklisted')
const arbitraryCase = fc.record({
  proposer: fc.constantFrom(...PEERS),
  trust: fc.dictionary(fc.constantFrom(...PEERS), arbitraryTrust),
  pinned: fc.subarray([...PEERS]),
  verdicts: fc.array(fc.record({ from: fc.constantFrom(...PEERS), kind: fc.constantFrom<VerdictKind>('confirm', 'challenge'), atMs: fc.integer({ min: 0, max: 5_000 }) }), { maxLength: 12 }),
  ownVerdict: fc.option(fc.constantFrom<VerdictKind>('confirm', 'challenge'), { nil: undefined }),
  nowMs: fc.integer({ min: 0, max: 6_000 }),
  isOverloaded: fc.boolean()
})

describe('decideClaimStatus() properties', () => {
  it('accepts only with ≥ 2 distinct confirmers trusted now, after the window, from an acceptable proposer (TrustBench I5, I6)', () => {
    fc.assert(fc.property(arbitraryCase, (c) => {
      const claim = claimOf({ proposer: c.proposer, firstSeenAtMs: 1_000, verdicts: c.verdicts.map((v) => ({ ...v, msgId: 'm' })), ...(c.ownVerdict === undefined ? {} : { ownVerdict: c.ownVerdict }) })
      const context = contextOf(c.trust, { nowMs: c.nowMs, pinned: c.pinned, isOverloaded: c.isOverloaded })
      const decision = decideClaimStatus(claim, context)
      const counted = [...decision.trustedConfirmers, ...decision.trustedChallengers]
      assert.equal(new Set(counted).size, counted.length, 'a peer counted twice')
      assert.ok(!counted.includes(c.proposer), 'the proposer counted')
      for (const peer of counted) assert.ok(peer === SELF || context.trustOf(peer) === 'trusted', `${peer} counted untrusted`)
      if (decision.status !== 'accepted') return
      assert.ok(!c.isOverloaded)
      assert.ok(decision.trustedConfirmers.length >= MIN_TRUSTED_CONFIRMATIONS)
      assert.ok(c.nowMs - claim.firstSeenAtMs >= CHALLENGE_WINDOW_MS)
      assert.ok(c.proposer === SELF || !['untrusted', 'blacklisted', 'unknown'].includes(context.trustOf(c.proposer)))
      for (const peer of decision.trustedConfirmers) {
        const latest = peer === SELF ? c.ownVerdict : c.verdicts.filter((v) => v.from === peer).sort((a, b) => a.atMs - b.atMs).at(-1)?.kind
        assert.equal(latest, 'confirm', `${peer} counted as a confirmer`)
      }
    }), PROPERTY_OPTIONS)
  })
})

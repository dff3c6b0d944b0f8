import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { TRUST_STATES, transitionTrust } from '../../protocol/trust/index.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { sealLsa } from '../link-state/index.ts'
import type { Lsa, LsaNeighbour } from '../link-state/index.ts'
import { introductionsFrom, lsaCauseId } from './introductions.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const carol = generateKeyPairIdentity()
const SELF = 'a0'.repeat(32)
const BOB = 'b0'.repeat(32)
const DAVE = 'd0'.repeat(32)

function lsaOf (neighbours: LsaNeighbour[], options: { withdrawn?: boolean, seq?: number } = {}): Lsa {
  return sealLsa(carol, { agentId: 'carol', seq: options.seq ?? 7, nowMs: NOW, addresses: [], neighbours, withdrawn: options.withdrawn ?? false })
}

function viewOf (views: Record<string, TrustState>): (fingerprint: string) => TrustState {
  return (fingerprint) => views[fingerprint] ?? 'unknown'
}

const link = (fingerprint: string, trust: LsaNeighbour['trust'] = 'trusted'): LsaNeighbour => ({ fingerprint, rtt_ms: 5, trust })
const trustsCarol = viewOf({ [carol.fingerprint]: 'trusted' })

describe('introductionsFrom() (SPEC §6 distributed trust)', () => {
  it('introduces every unknown neighbour a trusted origin vouches for, as probing only, citing the LSA', () => {
    const lsa = lsaOf([link(BOB), link(DAVE, 'probing')])
    const proposals = introductionsFrom(lsa, { self: SELF, trustOf: trustsCarol })
    assert.deepEqual(proposals.map((proposal) => proposal.peer), [BOB, DAVE])
    for (const proposal of proposals) {
      assert.equal(proposal.event, 'introduction')
      assert.equal(proposal.rule, 'introduced_by_trusted')
      assert.deepEqual(proposal.causeMsgIds, [`lsa/${carol.fingerprint}/7`])
      assert.deepEqual(proposal.causeMsgIds, [lsaCauseId(lsa)])
      assert.equal(transitionTrust('unknown', proposal.event).to, 'probing')
    }
  })

  it('never introduces the observer itself', () => {
    assert.deepEqual(introductionsFrom(lsaOf([link(SELF), link(BOB)]), { self: SELF, trustOf: trustsCarol }).map((p) => p.peer), [BOB])
  })

  it('introduces nobody when the origin is not trusted here', () => {
    for (const state of TRUST_STATES.filter((s) => s !== 'trusted')) {
      const trustOf = viewOf({ [carol.fingerprint]: state })
      assert.deepEqual(introductionsFrom(lsaOf([link(BOB)]), { self: SELF, trustOf }), [], state)
    }
  })

  it('leaves alone a neighbour this observer already knows, whatever its state', () => {
    for (const state of TRUST_STATES.filter((s) => s !== 'unknown')) {
      const trustOf = viewOf({ [carol.fingerprint]: 'trusted', [BOB]: state })
      assert.deepEqual(introductionsFrom(lsaOf([link(BOB)]), { self: SELF, trustOf }), [], state)
    }
  })

  it('takes no neighbour the origin lists as untrusted, blacklisted or unknown as vouched for', () => {
    const lsa = lsaOf([link(BOB, 'untrusted'), link(DAVE, 'blacklisted'), link('e0'.repeat(32), 'unknown')])
    assert.deepEqual(introductionsFrom(lsa, { self: SELF, trustOf: trustsCarol }), [])
  })

  it('introduces nobody from a withdrawal or from this observer\'s own LSA', () => {
    assert.deepEqual(introductionsFrom(lsaOf([link(BOB)], { withdrawn: true }), { self: SELF, trustOf: trustsCarol }), [])
    assert.deepEqual(introductionsFrom(lsaOf([link(BOB)]), { self: carol.fingerprint, trustOf: trustsCarol }), [])
  })

  it('never makes anyone trusted, only unknown peers probing, and only from trusted origins (TrustBench I1)', () => {
    const fingerprints = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((hex) => hex.repeat(32))
    const stateArb = fc.constantFrom(...TRUST_STATES)
    const viewArb = fc.constantFrom('unknown', 'untrusted', 'probing', 'trusted', 'blacklisted') as fc.Arbitrary<LsaNeighbour['trust']>
    const neighboursArb = fc.uniqueArray(fc.record({ fingerprint: fc.constantFrom(SELF, ...fingerprints), rtt_ms: fc.constant(1), trust: viewArb }), { selector: (n) => n.fingerprint, maxLength: 7 })
    const lsa = lsaOf([])
    fc.assert(fc.property(neighboursArb, fc.array(stateArb, { minLength: 8, maxLength: 8 }), fc.boolean(), (neighbours, states, withdrawn) => {
      const views = Object.fromEntries([carol.fingerprint, SELF, ...fingerprints].map((fp, i) => [fp, states[i] ?? 'unknown']))
      // The function reads the LSA only; a re-signed copy is not needed to test its policy.
      const proposals = introductionsFrom({ ...lsa, neighbours, withdrawn }, { self: SELF, trustOf: viewOf(views) })
      for (const proposal of proposals) {
        assert.equal(proposal.event, 'introduction')
        assert.equal(views[carol.fingerprint], 'trusted')
        assert.equal(withdrawn, false)
        assert.notEqual(proposal.peer, SELF)
        assert.equal(views[proposal.peer], 'unknown')
        assert.notEqual(transitionTrust(views[proposal.peer] ?? 'unknown', proposal.event).to, 'trusted')
      }
      assert.equal(new Set(proposals.map((p) => p.peer)).size, proposals.length)
    }), { seed: SEED, numRuns: 1000 })
  })
})

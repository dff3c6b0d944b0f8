import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { LIP_TRUST_TIERS } from '../../protocol/envelope/types.ts'
import { TRUST_STATES } from '../../protocol/trust/index.ts'
import { MIN_ACCEPT_TIER, MIN_TRUSTED_CORROBORATORS, RETRIEVED_AT_SKEW_MS } from './constants.ts'
import { decideEvidence, EVIDENCE_REASONS } from './lip-acceptance.ts'
import type { EvidenceDecision, EvidenceFacts } from './lip-acceptance.ts'
import { isTierAtLeast } from './tier-order.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 2000 }
const NOW = 1_800_000_000_000

/** Facts that accept on the source tier alone. */
const facts = (overrides: Partial<EvidenceFacts> = {}): EvidenceFacts => ({
  effectiveTier: 'medium',
  trustedCorroborators: [],
  conflicts: 'none',
  hasProvenance: true,
  retrievedAtMs: NOW - 60_000,
  nowMs: NOW,
  isLocallyOverloaded: false,
  ...overrides
})

describe('decideEvidence() rules', () => {
  test('the SPEC §7 constants: tier ≥ medium or ≥ 2 trusted corroborators', () => {
    assert.equal(MIN_ACCEPT_TIER, 'medium')
    assert.equal(MIN_TRUSTED_CORROBORATORS, 2)
    assert.equal(RETRIEVED_AT_SKEW_MS, 120_000)
  })

  const rows: [string, Partial<EvidenceFacts>, EvidenceDecision][] = [
    ['accepts a medium source on its tier', {}, { status: 'accepted', reason: 'source_tier' }],
    ['accepts a high source on its tier', { effectiveTier: 'high' }, { status: 'accepted', reason: 'source_tier' }],
    ['accepts a low source with 2 trusted corroborators', { effectiveTier: 'low', trustedCorroborators: ['a', 'b'] }, { status: 'accepted', reason: 'trusted_corroboration' }],
    ['accepts an unknown source with 3 trusted corroborators', { effectiveTier: 'unknown', trustedCorroborators: ['a', 'b', 'c'] }, { status: 'accepted', reason: 'trusted_corroboration' }],
    ['keeps a low source with 1 trusted corroborator pending', { effectiveTier: 'low', trustedCorroborators: ['a'] }, { status: 'pending', reason: 'insufficient_corroboration' }],
    ['counts a repeated corroborator once', { effectiveTier: 'low', trustedCorroborators: ['a', 'a'] }, { status: 'pending', reason: 'insufficient_corroboration' }],
    ['does not count a blank corroborator', { effectiveTier: 'unknown', trustedCorroborators: ['a', ''] }, { status: 'pending', reason: 'insufficient_corroboration' }],
    ['rejects a blocked source', { effectiveTier: 'blocked', trustedCorroborators: ['a', 'b', 'c'] }, { status: 'rejected', reason: 'source_blocked' }],
    ['rejects evidence without provenance', { hasProvenance: false }, { status: 'rejected', reason: 'missing_provenance' }],
    ['rejects evidence without a retrieval time', { retrievedAtMs: undefined }, { status: 'rejected', reason: 'missing_retrieved_at' }],
    ['rejects a retrieval time that is not a number', { retrievedAtMs: Number.NaN }, { status: 'rejected', reason: 'missing_retrieved_at' }],
    ['accepts a retrieval time exactly at the skew ahead', { retrievedAtMs: NOW + RETRIEVED_AT_SKEW_MS }, { status: 'accepted', reason: 'source_tier' }],
    ['rejects a retrieval time beyond the skew ahead', { retrievedAtMs: NOW + RETRIEVED_AT_SKEW_MS + 1 }, { status: 'rejected', reason: 'retrieved_in_future' }],
    ['rejects everything when the clock is not a number', { nowMs: Number.NaN }, { status: 'rejected', reason: 'retrieved_in_future' }],
    ['accepts an old retrieval time', { retrievedAtMs: 0 }, { status: 'accepted', reason: 'source_tier' }],
    ['rejects evidence only untrusted peers submitted', { submitterTrust: 'untrusted' }, { status: 'rejected', reason: 'untrusted_submitter' }],
    ['rejects evidence only blacklisted peers submitted', { submitterTrust: 'blacklisted' }, { status: 'rejected', reason: 'untrusted_submitter' }],
    ['keeps evidence from a peer not yet met pending', { submitterTrust: 'unknown' }, { status: 'pending', reason: 'unknown_submitter' }],
    ['accepts evidence a probing peer submitted', { submitterTrust: 'probing' }, { status: 'accepted', reason: 'source_tier' }],
    ['marks an unresolved conflict disputed', { conflicts: 'unresolved', effectiveTier: 'high' }, { status: 'disputed', reason: 'unresolved_conflict' }],
    ['accepts once the conflict is resolved', { conflicts: 'resolved' }, { status: 'accepted', reason: 'source_tier' }],
    ['defers acceptance while overloaded', { isLocallyOverloaded: true }, { status: 'pending', reason: 'locally_overloaded' }],
    ['puts blocked before missing provenance', { effectiveTier: 'blocked', hasProvenance: false }, { status: 'rejected', reason: 'source_blocked' }],
    ['puts missing provenance before a conflict', { hasProvenance: false, conflicts: 'unresolved' }, { status: 'rejected', reason: 'missing_provenance' }],
    ['puts an untrusted submitter before a conflict', { submitterTrust: 'untrusted', conflicts: 'unresolved' }, { status: 'rejected', reason: 'untrusted_submitter' }],
    ['puts a conflict before overload', { conflicts: 'unresolved', isLocallyOverloaded: true }, { status: 'disputed', reason: 'unresolved_conflict' }],
    ['puts a conflict before an unknown submitter', { conflicts: 'unresolved', submitterTrust: 'unknown' }, { status: 'disputed', reason: 'unresolved_conflict' }],
    ['puts missing corroboration before overload', { effectiveTier: 'low', isLocallyOverloaded: true }, { status: 'pending', reason: 'insufficient_corroboration' }]
  ]
  for (const [name, overrides, expected] of rows) {
    test(`decideEvidence() ${name}`, () => {
      assert.deepEqual(decideEvidence(facts(overrides)), expected)
    })
  }

  test('EVIDENCE_REASONS lists every reason decideEvidence() gives, in rule order', () => {
    const given = new Set(rows.map(([, , decision]) => decision.reason))
    assert.deepEqual([...EVIDENCE_REASONS].filter((reason) => !given.has(reason)), [])
    assert.equal(EVIDENCE_REASONS.length, new Set(EVIDENCE_REASONS).size)
  })
})

describe('decideEvidence() properties', () => {
  const fingerprintArb = fc.constantFrom('a', 'b', 'c', 'd', '')
  const factsArb: fc.Arbitrary<EvidenceFacts> = fc.record({
    effectiveTier: fc.constantFrom(...LIP_TRUST_TIERS),
    trustedCorroborators: fc.array(fingerprintArb, { maxLength: 5 }),
    conflicts: fc.constantFrom('none', 'unresolved', 'resolved'),
    hasProvenance: fc.boolean(),
    retrievedAtMs: fc.option(fc.integer({ min: NOW - 1e9, max: NOW + 1e6 }), { nil: undefined }),
    nowMs: fc.constant(NOW),
    isLocallyOverloaded: fc.boolean(),
    submitterTrust: fc.option(fc.constantFrom(...TRUST_STATES), { nil: undefined })
  }, { requiredKeys: ['effectiveTier', 'trustedCorroborators', 'conflicts', 'hasProvenance', 'retrievedAtMs', 'nowMs', 'isLocallyOverloaded'] })

  test('decideEvidence() never accepts a blocked source (property)', () => {
    fc.assert(fc.property(factsArb, (input) => {
      const decision = decideEvidence({ ...input, effectiveTier: 'blocked' })
      assert.deepEqual(decision, { status: 'rejected', reason: 'source_blocked' })
    }), PROPERTY_OPTIONS)
  })

  test('decideEvidence() never accepts below medium with fewer than 2 trusted corroborators (property)', () => {
    fc.assert(fc.property(factsArb, (input) => {
      const corroborators = new Set(input.trustedCorroborators.filter((fingerprint) => fingerprint !== ''))
      if (isTierAtLeast(input.effectiveTier, 'medium') || corroborators.size >= 2) return
      assert.notEqual(decideEvidence(input).status, 'accepted')
    }), PROPERTY_OPTIONS)
  })

  test('decideEvidence() accepts exactly when every SPEC §7 condition holds (property)', () => {
    fc.assert(fc.property(factsArb, (input) => {
      const corroborators = new Set(input.trustedCorroborators.filter((fingerprint) => fingerprint !== ''))
      const expected = input.effectiveTier !== 'blocked'
        && (isTierAtLeast(input.effectiveTier, 'medium') || corroborators.size >= 2)
        && input.conflicts !== 'unresolved'
        && input.hasProvenance
        && input.retrievedAtMs !== undefined && input.retrievedAtMs <= NOW + RETRIEVED_AT_SKEW_MS
        && !input.isLocallyOverloaded
        && (input.submitterTrust === undefined || ['probing', 'trusted'].includes(input.submitterTrust))
      assert.equal(decideEvidence(input).status === 'accepted', expected)
    }), PROPERTY_OPTIONS)
  })

  test('decideEvidence() marks an unresolved conflict disputed unless a rejecting rule applies first (property)', () => {
    fc.assert(fc.property(factsArb, (input) => {
      const decision = decideEvidence({ ...input, conflicts: 'unresolved' })
      assert.ok(decision.status === 'disputed' || decision.status === 'rejected', decision.status)
    }), PROPERTY_OPTIONS)
  })
})

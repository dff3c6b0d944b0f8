import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as lip from './index.ts'

test('lip/index.ts exports the curated LIP runtime surface', () => {
  assert.deepEqual(Object.keys(lip).sort(), [
    'DEFAULT_SOURCE_TIER', 'EVIDENCE_REASONS', 'LIMINAL_MAX_PEERS_PER_ITEM', 'LIMINAL_QUEUE_MAX_ITEMS', 'LIP_TIER_ORDER',
    'LiminalQueue', 'MIN_ACCEPT_TIER', 'MIN_TRUSTED_CORROBORATORS', 'RETRIEVED_AT_SKEW_MS', 'SourceTierTable', 'decideEvidence',
    'evidenceIdOf', 'hostOfUri', 'isLipTrustTier', 'isTierAtLeast', 'lowerTier', 'tierRank'
  ])
})

test('lip/index.ts constants hold their documented values', () => {
  assert.deepEqual(
    [lip.DEFAULT_SOURCE_TIER, lip.MIN_ACCEPT_TIER, lip.MIN_TRUSTED_CORROBORATORS, lip.RETRIEVED_AT_SKEW_MS, lip.LIMINAL_QUEUE_MAX_ITEMS, lip.LIMINAL_MAX_PEERS_PER_ITEM],
    ['unknown', 'medium', 2, 120_000, 10_000, 256]
  )
})

test('lip/index.ts composes: a table, a queue and a trust view accept corroborated evidence end to end', () => {
  const tiers = new lip.SourceTierTable({ '*.example.org': 'low' })
  const trust: Record<string, 'trusted' | 'probing'> = { a: 'probing', b: 'trusted', c: 'trusted' }
  const queue = new lip.LiminalQueue({ sourceTiers: tiers, trustOf: (fingerprint) => trust[fingerprint] ?? 'unknown' })
  const source = { uri: 'https://blog.example.org/p', trust_tier: 'high' as const, retrieved_at: '2026-11-26T00:00:00Z' }
  const context = { nowMs: Date.UTC(2026, 10, 26, 0, 1), isLocallyOverloaded: false }
  const { id } = queue.addEvidence({ from: 'a', payload: { claims: ['x'], evidence: ['y'], confidence: 1, extraction_notes: '' }, source }, context)
  queue.applyAccept({ from: 'b', payload: { decision: 'accept', reason: 'checked', corroborators: ['c'] }, source }, context)
  assert.equal(queue.get(id)?.status, 'accepted')
  assert.deepEqual(queue.list({ status: 'accepted' }).map((item) => item.id), [id])
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { TrustState } from '../../protocol/trust/index.ts'
import {
  bestSubmitterTrust, conflictStateOf, countTrustedCorroborators, recordAccept, recordConflict
} from './evidence-record.ts'
import type { EvidenceConflict, EvidenceRecord } from './evidence-record.ts'

const MAX_PEERS = 8

function recordOf (submitters: string[] = ['p']): EvidenceRecord {
  return {
    id: 'id',
    claims: ['c'],
    evidence: ['e'],
    confidence: 1,
    extractionNotes: '',
    source: { uri: 'https://who.int/', trust_tier: 'high', retrieved_at: '2026-11-26T00:00:00Z' },
    declaredTier: 'high',
    submitters,
    firstSeenAtMs: 0,
    corroborations: new Map(),
    conflicts: new Map(),
    hasHadConflict: false,
    effectiveTier: 'high',
    trustedCorroborators: [],
    conflictState: 'none',
    status: 'pending',
    statusReason: 'insufficient_corroboration',
    statusSinceMs: 0
  }
}

const trustFrom = (states: Record<string, TrustState>) => (fingerprint: string): TrustState => states[fingerprint] ?? 'unknown'
const conflict = (from: string): EvidenceConflict => ({ from, kind: 'conflict', severity: 'high', details: ['no'], atMs: 5 })

describe('recordAccept()', () => {
  test('recordAccept() records the sender as a direct corroborator and vouches for each listed peer', () => {
    const record = recordOf()
    recordAccept(record, 'a', ['b', 'c', 'a', 'b'], 1, MAX_PEERS)
    assert.deepEqual([...record.corroborations.keys()].sort(), ['a', 'b', 'c'])
    assert.equal(record.corroborations.get('a')?.isDirect, true)
    assert.equal(record.corroborations.get('b')?.isDirect, false)
    assert.deepEqual([...record.corroborations.get('b')!.vouchers], ['a'])
    assert.deepEqual([...record.corroborations.get('a')!.vouchers], [], 'a peer does not vouch for itself')
  })

  test('recordAccept() never counts the first submitter or a blank fingerprint', () => {
    const record = recordOf(['p'])
    recordAccept(record, 'p', ['a', ''], 1, MAX_PEERS)
    recordAccept(record, 'a', ['p'], 1, MAX_PEERS)
    assert.deepEqual([...record.corroborations.keys()].sort(), ['a'])
    assert.deepEqual([...record.corroborations.get('a')!.vouchers], ['p'])
  })

  test('recordAccept() withdraws the sender\'s own conflict', () => {
    const record = recordOf()
    recordConflict(record, conflict('a'), MAX_PEERS)
    recordAccept(record, 'a', [], 2, MAX_PEERS)
    assert.equal(record.conflicts.size, 0)
    assert.equal(record.hasHadConflict, true)
  })

  test('recordAccept() ignores new peers beyond the limit', () => {
    const record = recordOf()
    recordAccept(record, 'a', ['b', 'c'], 1, 2)
    assert.deepEqual([...record.corroborations.keys()], ['a', 'b'])
  })
})

describe('recordConflict()', () => {
  test('recordConflict() stands the conflict and withdraws the sender\'s corroboration and vouchers', () => {
    const record = recordOf()
    recordAccept(record, 'a', ['b'], 1, MAX_PEERS)
    recordAccept(record, 'c', ['b'], 1, MAX_PEERS)
    recordConflict(record, conflict('a'), MAX_PEERS)
    assert.equal(record.corroborations.has('a'), false)
    assert.deepEqual([...record.corroborations.get('b')!.vouchers], ['c'])
    assert.deepEqual(record.conflicts.get('a'), conflict('a'))
    assert.ok(Object.isFrozen(record.conflicts.get('a')))
    assert.equal(record.hasHadConflict, true)
  })

  test('recordConflict() drops a corroborator whose only voucher objects', () => {
    const record = recordOf()
    recordAccept(record, 'a', ['b'], 1, MAX_PEERS)
    recordConflict(record, conflict('a'), MAX_PEERS)
    assert.equal(record.corroborations.has('b'), false)
  })

  test('recordConflict() ignores new conflicting peers beyond the limit but updates a known one', () => {
    const record = recordOf()
    recordConflict(record, conflict('a'), 1)
    recordConflict(record, conflict('b'), 1)
    recordConflict(record, { ...conflict('a'), severity: 'low' }, 1)
    assert.deepEqual([...record.conflicts.keys()], ['a'])
    assert.equal(record.conflicts.get('a')?.severity, 'low')
  })
})

describe('tallies', () => {
  test('countTrustedCorroborators() counts trusted direct corroborators and trusted peers a trusted voucher listed', () => {
    const record = recordOf()
    recordAccept(record, 'a', ['b', 'x'], 1, MAX_PEERS)
    recordAccept(record, 'u', ['c'], 1, MAX_PEERS)
    recordAccept(record, 'v', [], 1, MAX_PEERS)
    const trustOf = trustFrom({ a: 'trusted', b: 'trusted', c: 'trusted', u: 'probing', v: 'probing', x: 'untrusted' })
    assert.deepEqual(countTrustedCorroborators(record, trustOf), ['a', 'b'])
  })

  test('conflictStateOf() is unresolved only while a trusted peer\'s conflict stands', () => {
    const record = recordOf()
    assert.equal(conflictStateOf(record, trustFrom({})), 'none')
    recordConflict(record, conflict('a'), MAX_PEERS)
    assert.equal(conflictStateOf(record, trustFrom({ a: 'probing' })), 'resolved')
    assert.equal(conflictStateOf(record, trustFrom({ a: 'trusted' })), 'unresolved')
    record.conflicts.clear()
    assert.equal(conflictStateOf(record, trustFrom({ a: 'trusted' })), 'resolved')
  })

  test('bestSubmitterTrust() returns the best trust state among the submitters', () => {
    assert.equal(bestSubmitterTrust(recordOf(['a', 'b']), trustFrom({ a: 'blacklisted', b: 'untrusted' })), 'untrusted')
    assert.equal(bestSubmitterTrust(recordOf(['a', 'b']), trustFrom({ a: 'untrusted' })), 'unknown')
    assert.equal(bestSubmitterTrust(recordOf(['a', 'b']), trustFrom({ a: 'trusted', b: 'probing' })), 'trusted')
    assert.equal(bestSubmitterTrust(recordOf(['a']), () => 'weird' as TrustState), 'blacklisted')
  })
})

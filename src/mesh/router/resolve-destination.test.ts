// Destination resolution for send() (SPEC §2: agent ids are not unique): a fingerprint, or
// an agent id naming exactly one known node; anything else is a NoRouteError with a reason.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { NoRouteError } from '../../protocol/errors.ts'
import { resolveDestination } from './resolve-destination.ts'
import type { KnownNode } from './resolve-destination.ts'

const SEED = 20261126
const ALPHA = 'a1'.repeat(32)
const BRAVO = 'b2'.repeat(32)
const TWIN_1 = 'c3'.repeat(32)
const TWIN_2 = 'd4'.repeat(32)
const KNOWN: KnownNode[] = [
  { fingerprint: ALPHA, agentId: 'alpha' },
  { fingerprint: BRAVO, agentId: 'bravo' },
  { fingerprint: TWIN_2, agentId: 'twin' },
  { fingerprint: TWIN_1, agentId: 'twin' }
]

describe('resolveDestination()', () => {
  it('resolveDestination() returns a known fingerprint as it is', () => {
    assert.equal(resolveDestination(BRAVO, KNOWN), BRAVO)
    assert.equal(resolveDestination(TWIN_1, KNOWN), TWIN_1, 'a fingerprint is never ambiguous')
  })

  it('resolveDestination() returns the fingerprint of the one node with that agent id', () => {
    assert.equal(resolveDestination('alpha', KNOWN), ALPHA)
    assert.equal(resolveDestination('bravo', [...KNOWN, { fingerprint: BRAVO, agentId: 'bravo' }]), BRAVO, 'one node listed twice is still one node')
  })

  it('resolveDestination() throws NoRouteError unknown_destination for an unknown fingerprint or agent id', () => {
    const stranger = 'e5'.repeat(32)
    assert.throws(() => resolveDestination(stranger, KNOWN), (err: unknown) => {
      assert.ok(err instanceof NoRouteError)
      assert.equal(err.reason, 'unknown_destination')
      assert.equal(err.fingerprint, stranger)
      return true
    })
    assert.deepEqual(failureOf(() => resolveDestination('charlie', KNOWN)), { name: 'NoRouteError', reason: 'unknown_destination' })
    assert.deepEqual(failureOf(() => resolveDestination('alpha', [])), { name: 'NoRouteError', reason: 'unknown_destination' })
    assert.deepEqual(failureOf(() => resolveDestination(ALPHA.toUpperCase(), KNOWN)), { name: 'NoRouteError', reason: 'unknown_destination' }, 'fingerprints are lowercase hex')
  })

  it('resolveDestination() throws NoRouteError ambiguous_agent_id naming every candidate when several nodes share the agent id', () => {
    assert.throws(() => resolveDestination('twin', KNOWN), (err: unknown) => {
      assert.ok(err instanceof NoRouteError)
      assert.equal(err.reason, 'ambiguous_agent_id')
      assert.deepEqual(err.candidates, [TWIN_1, TWIN_2], 'sorted')
      assert.ok(err.message.includes(`"${TWIN_1}"`) && err.message.includes(`"${TWIN_2}"`), err.message)
      assert.ok(err.message.includes('"twin"'), err.message)
      return true
    })
  })

  it('resolveDestination() returns a node named by `to` or throws NoRouteError, for any known set (property)', () => {
    const fingerprint = fc.stringMatching(/^[0-9a-f]{64}$/)
    const agentId = fc.constantFrom('alpha', 'bravo', 'twin', 'x')
    const known = fc.array(fc.record({ fingerprint, agentId }), { maxLength: 8 })
    const to = fc.oneof(agentId, fingerprint, fc.string({ maxLength: 70 }))
    fc.assert(fc.property(known, to, (nodes, target) => {
      const byTarget = nodes.filter((node) => node.fingerprint === target || node.agentId === target)
      let result: string
      try {
        result = resolveDestination(target, nodes)
      } catch (err) {
        assert.ok(err instanceof NoRouteError, String(err))
        const distinct = new Set(byTarget.map((node) => node.fingerprint))
        if (err.reason === 'ambiguous_agent_id') assert.deepEqual(err.candidates, [...distinct].sort())
        else assert.ok(!nodes.some((node) => node.fingerprint === target))
        return
      }
      assert.ok(byTarget.some((node) => node.fingerprint === result))
    }), { seed: SEED, numRuns: 200 })
  })
})

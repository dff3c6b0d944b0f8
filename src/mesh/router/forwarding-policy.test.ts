import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { TrustState } from '../../protocol/trust/index.ts'
import { TRUST_STATES } from '../../protocol/trust/index.ts'
import { MAX_HOPS } from './constants.ts'
import { decideForwarding, DROP_REASONS, POLICY_DROP_REASONS } from './forwarding-policy.ts'
import type { CarrierHeader, ForwardingContext, ForwardingDecision } from './forwarding-policy.ts'

const SEED = 20261126
const [A, B, C, D, E, F] = ['a', 'b', 'c', 'd', 'e', 'f'].map((hex) => hex.repeat(64)) as [string, string, string, string, string, string]
const STAR = '*'

/** Fingerprints of `n` distinct filler nodes, none of A–F. */
function fillers (n: number): string[] {
  return Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, '0'))
}

interface View {
  known?: readonly string[]
  trust?: Readonly<Record<string, TrustState>>
  routes?: Readonly<Record<string, string>>
  maxHops?: number
}

/** The context of node `self`: everyone in `known` (default A–F), `probing` unless told, routes as given. */
function contextOf (self: string, view: View = {}): ForwardingContext {
  const known = new Set(view.known ?? [A, B, C, D, E, F])
  return {
    self,
    ...(view.maxHops === undefined ? {} : { maxHops: view.maxHops }),
    isKnown: (fingerprint) => known.has(fingerprint),
    trustOf: (fingerprint) => view.trust?.[fingerprint] ?? 'probing',
    nextHop: (fingerprint) => view.routes?.[fingerprint]
  }
}

function decisionOf (carrier: CarrierHeader, self: string, view: View = {}): ForwardingDecision {
  return decideForwarding(carrier, contextOf(self, view)).decision
}

const dropped = (reason: string): ForwardingDecision => ({ action: 'drop', reason } as ForwardingDecision)

describe('decideForwarding()', () => {
  describe('the hops trace (SPEC §9 Decision)', () => {
    it('decideForwarding() gives [B] at B and [B, C] at C for A → B → C; the origin never adds itself', () => {
      const sent: CarrierHeader = { origin: A, destination: C, hops: [] }
      const atB = decideForwarding(sent, contextOf(B, { routes: { [C]: C } }))
      assert.deepEqual(atB, { hops: [B], decision: { action: 'forward', nextHop: C } })
      const atC = decideForwarding({ ...sent, hops: atB.hops }, contextOf(C))
      assert.deepEqual(atC, { hops: [B, C], decision: { action: 'deliver' } })
      assert.ok(!atC.hops.includes(A))
    })

    it('decideForwarding() appends self whatever it decides, and leaves the input trace alone', () => {
      const hops = Object.freeze([B, C])
      for (const [carrier, self] of [[{ origin: A, destination: D, hops }, D], [{ origin: A, destination: D, hops }, B], [{ origin: A, destination: STAR, hops }, E]] as const) {
        assert.deepEqual(decideForwarding(carrier, contextOf(self)).hops, [B, C, self])
      }
      assert.deepEqual(hops, [B, C])
    })
  })

  describe('rule 1: deliver to self first', () => {
    it('decideForwarding() delivers when self is the destination, even at 16 hops and beyond the limit', () => {
      for (const count of [MAX_HOPS - 1, MAX_HOPS, MAX_HOPS + 1, 63]) {
        assert.deepEqual(decisionOf({ origin: A, destination: C, hops: fillers(count) }, C), { action: 'deliver' }, `${count} hops`)
      }
    })

    it('decideForwarding() delivers when self is the destination even if it is already in hops (the replay cache judges that)', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: C, hops: [C, B] }, C), { action: 'deliver' })
    })

    it('decideForwarding() delivers when self is the destination whatever the trust, knowledge or routes', () => {
      const view: View = { known: [], trust: { [A]: 'blacklisted', [C]: 'blacklisted' } }
      assert.deepEqual(decisionOf({ origin: A, destination: C, hops: [B] }, C, view), { action: 'deliver' })
    })
  })

  describe('rule 2: loop', () => {
    it('decideForwarding() drops "loop" when self is already in hops', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [B, C] }, B, { routes: { [D]: D } }), dropped('loop'))
    })

    it('decideForwarding() drops "loop" when the destination appears before the end of hops', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [B, D, E] }, C, { routes: { [D]: D } }), dropped('loop'))
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [D] }, C, { routes: { [D]: D } }), dropped('loop'))
    })

    it('decideForwarding() drops "loop" when the carrier is back at its origin', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [B, C] }, A, { routes: { [D]: D } }), dropped('loop'))
    })

    it('decideForwarding() reports "loop" before "max_hops" when a carrier is both looped and too long', () => {
      const hops = [...fillers(MAX_HOPS), B]
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops }, B, { routes: { [D]: D } }), dropped('loop'))
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [...hops.slice(1), D] }, C, { routes: { [D]: D } }), dropped('loop'))
    })

    it('decideForwarding() drops "loop" when the next hop is already in hops, is self or is the origin', () => {
      const carrier: CarrierHeader = { origin: A, destination: E, hops: [B, C] }
      for (const nextHop of [B, C, D, A]) assert.deepEqual(decisionOf(carrier, D, { routes: { [E]: nextHop } }), dropped('loop'), nextHop)
    })
  })

  describe('rule 3: max hops', () => {
    it('decideForwarding() forwards when the new hops reach the limit exactly, and drops "max_hops" past it', () => {
      const at = (count: number, maxHops?: number): ForwardingDecision =>
        decisionOf({ origin: A, destination: D, hops: fillers(count) }, B, { routes: { [D]: D }, ...(maxHops === undefined ? {} : { maxHops }) })
      assert.deepEqual(at(MAX_HOPS - 1), { action: 'forward', nextHop: D })
      assert.deepEqual(at(MAX_HOPS), dropped('max_hops'))
      assert.deepEqual(at(2, 3), { action: 'forward', nextHop: D })
      assert.deepEqual(at(3, 3), dropped('max_hops'))
      assert.deepEqual(at(0, 1), { action: 'forward', nextHop: D })
    })

    it('decideForwarding() reports "max_hops" before trust, knowledge and routes', () => {
      const view: View = { known: [], trust: { [A]: 'blacklisted', [D]: 'blacklisted' } }
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: fillers(MAX_HOPS) }, B, view), dropped('max_hops'))
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: fillers(MAX_HOPS) }, B, view), dropped('max_hops'))
    })

    it('decideForwarding() refuses a maxHops that is not a positive integer', () => {
      for (const maxHops of [0, -1, 1.5, Number.NaN, Infinity]) {
        assert.throws(() => decideForwarding({ origin: A, destination: D, hops: [] }, contextOf(B, { maxHops })), RangeError)
      }
    })
  })

  describe('rule 4: trust, in this node\'s own view', () => {
    it('decideForwarding() drops "blocked" when the destination is blacklisted, even when it is not known', () => {
      const carrier: CarrierHeader = { origin: A, destination: D, hops: [] }
      assert.deepEqual(decisionOf(carrier, B, { trust: { [D]: 'blacklisted' }, routes: { [D]: D } }), dropped('blocked'))
      assert.deepEqual(decisionOf(carrier, B, { known: [], trust: { [D]: 'blacklisted' } }), dropped('blocked'))
    })

    it('decideForwarding() drops "blocked_origin" when the origin is blacklisted, and "blocked" when both are', () => {
      const carrier: CarrierHeader = { origin: A, destination: D, hops: [] }
      assert.deepEqual(decisionOf(carrier, B, { trust: { [A]: 'blacklisted' }, routes: { [D]: D } }), dropped('blocked_origin'))
      assert.deepEqual(decisionOf(carrier, B, { trust: { [A]: 'blacklisted', [D]: 'blacklisted' } }), dropped('blocked'))
    })

    it('decideForwarding() forwards to and from every trust state but blacklisted', () => {
      for (const state of TRUST_STATES.filter((s) => s !== 'blacklisted')) {
        const view: View = { trust: { [A]: state, [D]: state }, routes: { [D]: D } }
        assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [] }, B, view), { action: 'forward', nextHop: D }, state)
      }
    })

    it('decideForwarding() asks about the destination and the origin only, in this node\'s view', () => {
      const asked: string[] = []
      const trustOf = (fingerprint: string): TrustState => {
        asked.push(fingerprint)
        return 'untrusted'
      }
      const context = { ...contextOf(C, { routes: { [D]: D } }), trustOf }
      decideForwarding({ origin: A, destination: D, hops: [B] }, context)
      assert.deepEqual(asked.sort(), [A, D])
    })
  })

  describe('broadcast', () => {
    it('decideForwarding() broadcasts a carrier to "*" without asking the registry or the routes', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: [B] }, C, { known: [] }), { action: 'broadcast' })
    })

    it('decideForwarding() applies loop, max hops and the origin\'s trust to a broadcast', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: [B, C] }, B), dropped('loop'))
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: [B] }, A), dropped('loop'))
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: fillers(MAX_HOPS) }, C), dropped('max_hops'))
      assert.deepEqual(decisionOf({ origin: A, destination: STAR, hops: [] }, C, { trust: { [A]: 'blacklisted' } }), dropped('blocked_origin'))
    })
  })

  describe('rule 5: known destinations, then routes', () => {
    it('decideForwarding() drops "unknown_destination" when the destination is not known, even with a route', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [] }, B, { known: [A, B], routes: { [D]: C } }), dropped('unknown_destination'))
    })

    it('decideForwarding() drops "no_route" when the destination is known but has no next hop', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: D, hops: [] }, B), dropped('no_route'))
    })

    it('decideForwarding() forwards to the next hop of the route', () => {
      assert.deepEqual(decisionOf({ origin: A, destination: F, hops: [B] }, C, { routes: { [F]: E } }), { action: 'forward', nextHop: E })
    })
  })

  describe('DROP_REASONS', () => {
    it('DROP_REASONS is one closed list holding the policy\'s reasons and the router\'s', () => {
      assert.deepEqual([...DROP_REASONS], [
        'loop', 'max_hops', 'blocked', 'blocked_origin', 'unknown_destination', 'no_route',
        'duplicate', 'rate_limited', 'invalid', 'tampered', 'backpressure', 'link_down'
      ])
      for (const reason of POLICY_DROP_REASONS) assert.ok((DROP_REASONS as readonly string[]).includes(reason))
      assert.equal(new Set(DROP_REASONS).size, DROP_REASONS.length)
    })
  })
})

describe('decideForwarding() properties', () => {
  const POOL = [A, B, C, D, E, F]
  const node = fc.constantFrom(...POOL)
  const scenario = fc.record({
    hops: fc.array(node, { maxLength: 24 }),
    self: node,
    origin: node,
    destination: fc.oneof(node, fc.constant(STAR)),
    maxHops: fc.integer({ min: 1, max: 24 }),
    known: fc.subarray(POOL),
    trust: fc.dictionary(node, fc.constantFrom(...TRUST_STATES)),
    routes: fc.dictionary(node, node)
  })

  it('decideForwarding() never throws, appends self, and decides within its rules', () => {
    fc.assert(fc.property(scenario, (s) => {
      const context = contextOf(s.self, { known: s.known, trust: s.trust, routes: s.routes, maxHops: s.maxHops })
      const { hops, decision } = decideForwarding({ origin: s.origin, destination: s.destination, hops: s.hops }, context)
      assert.deepEqual(hops, [...s.hops, s.self])
      assert.equal(decision.action === 'deliver', s.self === s.destination, 'deliver exactly when self is the destination')
      if (decision.action === 'broadcast') assert.equal(s.destination, STAR)
      if (decision.action === 'forward') {
        assert.equal(decision.nextHop, s.routes[s.destination])
        assert.ok(!hops.includes(decision.nextHop) && decision.nextHop !== s.origin, 'the next hop is not in hops')
        assert.ok(s.known.includes(s.destination) && hops.length <= s.maxHops)
      }
      if (decision.action === 'forward' || decision.action === 'broadcast') {
        assert.notEqual(s.trust[s.origin], 'blacklisted')
        assert.notEqual(s.trust[s.destination], 'blacklisted')
        assert.ok(!s.hops.includes(s.self) && !s.hops.includes(s.destination))
      }
      if (decision.action === 'drop') assert.ok((POLICY_DROP_REASONS as readonly string[]).includes(decision.reason))
      if (s.self !== s.destination && (s.hops.includes(s.self) || s.self === s.origin)) assert.deepEqual(decision, dropped('loop'))
    }), { seed: SEED, numRuns: 2000 })
  })
})

/**
 * Bad input on every libp2p channel (issue #7 item 3): a victim node over TCP on
 * 127.0.0.1 takes BAD_INPUT_RUNS generated inputs per channel (`control`, `state`,
 * `knowledge`, `mesh`) from handshaken attackers — real nodes whose transport the test
 * reaches into — paced under its rate limits, and impersonations from throw-away peers.
 * Pass: every input that reached it was refused with a typed error and counted, nothing
 * was dispatched, it still routes for its honest neighbours, and nothing changed but the
 * senders' penalties of SPEC §5 (an invalid signature makes the link peer `untrusted`,
 * impersonation `blacklisted`).
 *
 * Counting: on `control`, `state` and `knowledge` each refusal is one
 * `web4_bad_input_total{channel}` (a refused LSA sequence is one
 * `web4_mesh_lsa_refused_total{reason=stale|conflict}` instead); on `mesh` each refused
 * carrier is one `web4_mesh_dropped_total{reason}`, and those refused with an error are
 * also one `web4_bad_input_total{channel="mesh"}`. Each refusal is also one log line
 * (any level) and, when it carries an error, one event naming a typed error.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises'
import type { MeshNode } from '../../src/node.ts'
import type { MeshEvent } from '../../src/observability/events.ts'
import { ERROR_TABLE } from '../../src/protocol/errors.ts'
import { CHANNELS } from '../../src/transport/channels.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import { addressOf, hasHandshakenWith, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { startRoguePeer } from '../helpers/rogue-peer.ts'
import type { RoguePeer } from '../helpers/rogue-peer.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import {
  BAD_INPUT_RUNS, BAD_INPUT_SEED, controlInputArb, identityFromLabel, impersonationArb, meshInputArb, reproduction, sampleOf, stateInputArb
} from './generators.ts'
import type { EnvelopeContext } from './generators.ts'
import { sendPaced } from './pacer.ts'
import type { Plan } from './pacer.ts'
import { counterSum, snapshotOf, startVictim } from './victim.ts'
import type { StateSnapshot, Victim } from './victim.ts'

const ATTACKERS = 8
const ROGUES_PER_CHANNEL = 4
const IMPERSONATIONS_PER_ROGUE = 6
const INTENT = { goal: 'ask', topic: 'still routing', priority: 'normal', context: 'bad-input' } as const

const nodes: MeshNode[] = []
const rogues: RoguePeer[] = []
let victim: Victim
let honest: [MeshNode, MeshNode]
const attackers: TappedNode[] = []
const penalised = new Set<string>()
let before0: StateSnapshot
const events: MeshEvent[] = []
/** Refusal events by the error they name (envelope_rejected, and mesh_dropped with an error). */
const refusedWith = new Map<string, number>()
const sent = new Map<ChannelName, number>()

after(async () => {
  await stopAll(nodes)
  await Promise.allSettled(rogues.map(async (rogue) => { await rogue.stop() }))
})

function receiverOf (node: MeshNode): { agent_id: string, fingerprint: string, pubkey: string } {
  return { agent_id: node.agentId, fingerprint: node.identity.fingerprint, pubkey: node.identity.pubkey }
}

/** The inputs of attacker `i`: BAD_INPUT_RUNS / ATTACKERS per channel, from its own seeded streams. */
async function planOf (attacker: TappedNode, i: number): Promise<Plan> {
  const count = Math.ceil(BAD_INPUT_RUNS / ATTACKERS)
  const nowMs = Date.now()
  const { identity } = attacker.node
  const direct: EnvelopeContext = { author: { identity, agentId: attacker.node.agentId }, receiver: receiverOf(victim.node), nowMs }
  const heldSeq = victim.node.linkState.lsas().find((lsa) => lsa.origin === identity.fingerprint)?.seq ?? 1
  const third = receiverOf(honest[0])
  const lsa = { identity, agentId: attacker.node.agentId, heldSeq, third: { fingerprint: third.fingerprint, pubkey: third.pubkey, agentId: third.agent_id }, nowMs }
  const mesh = { ...direct, third, duplicateId: `0000000${i}-0000-4000-8000-000000000000` }
  const arbitraries = { control: controlInputArb(direct, lsa), state: stateInputArb(direct), knowledge: stateInputArb(direct), mesh: meshInputArb(mesh) }
  const plan: Record<ChannelName, Uint8Array[]> = { control: [], state: [], knowledge: [], mesh: [] }
  for (const channel of CHANNELS) {
    const inputs = sampleOf(arbitraries[channel], `${channel} ${i}`, count)
    for (const input of inputs) victim.tap.register(channel, input.bytes, input.category)
    sent.set(channel, (sent.get(channel) ?? 0) + inputs.length)
    plan[channel] = inputs.map((input) => input.bytes)
    // Every node of the test shares this event loop: generating all the inputs in one go would stall
    // their links for seconds (heartbeats, stream negotiation) and cut some of them.
    await yieldToLoop()
  }
  return plan
}

/** Why links between the victim and `fingerprint` closed, as both ends saw it: for a failure message. */
function closesOf (fingerprint: string): string {
  const ends = [victim.node, ...attackers.map((attacker) => attacker.node)]
  const closes = ends.flatMap((node) => node.events.since()
    .filter((event) => ['session_close', 'heartbeat_timeout'].includes(event.event_type) && (event.peer === fingerprint || (node.identity.fingerprint === fingerprint && event.peer === victim.node.identity.fingerprint)))
    .map((event) => `${node.agentId}: ${event.event_type} ${JSON.stringify(event.payload)}`))
  const warnings = victim.trap.linkWarnings.filter((line) => line.fields.peer === fingerprint).map((line) => `victim: ${line.message ?? ''} ${JSON.stringify(line.fields)}`)
  return [...closes, ...warnings].join('; ')
}

/** Refusals counted for `channel`, as the header says. */
function refusalsOn (node: MeshNode, channel: ChannelName): number {
  if (channel === 'mesh') return counterSum(node, 'web4_mesh_dropped_total')
  const lsa = channel === 'control' ? counterSum(node, 'web4_mesh_lsa_refused_total', { reason: 'stale' }) + counterSum(node, 'web4_mesh_lsa_refused_total', { reason: 'conflict' }) : 0
  return counterSum(node, 'web4_bad_input_total', { channel }) + lsa
}

before(async () => {
  victim = await startVictim('victim')
  nodes.push(victim.node)
  honest = [await startNode('honest-1', { peers: [addressOf(victim.node)] }), await startNode('honest-2', { peers: [addressOf(victim.node)] })]
  nodes.push(...honest)
  for (let i = 0; i < ATTACKERS; i++) {
    const attacker = await startTappedNode(`attacker-${i}`, { identity: identityFromLabel(`attacker ${i}`), peers: [addressOf(victim.node)] })
    attackers.push(attacker)
    nodes.push(attacker.node)
    penalised.add(attacker.node.identity.fingerprint)
    await sleep(250) // DESIGN §6: inbound connections per address ≤ 5/s
  }
  const others = [...honest, ...attackers.map((attacker) => attacker.node)]
  await waitFor(() => hasHandshakenWith(victim.node, others) && others.every((other) => victim.node.linkState.isKnown(other.identity.fingerprint))
    && honest[0].linkState.nextHop(honest[1].identity.fingerprint) === victim.node.identity.fingerprint, { timeoutMs: 30_000, what: 'the mesh around the victim' })
  before0 = snapshotOf(victim.node, (fingerprint) => penalised.has(fingerprint))
  victim.node.events.subscribe((event) => {
    const error = event.payload.error
    if (typeof error === 'string') refusedWith.set(error, (refusedWith.get(error) ?? 0) + 1)
    if (event.event_type !== 'envelope_rejected' && event.event_type !== 'mesh_dropped') events.push(event)
  })
})

describe(`bad input on every libp2p channel (${BAD_INPUT_RUNS} per channel, seed ${BAD_INPUT_SEED})`, { timeout: 300_000 }, () => {
  it('refuses every input that reaches the victim with a typed, counted refusal and dispatches none', async (t) => {
    const counted0 = new Map(CHANNELS.map((channel) => [channel, refusalsOn(victim.node, channel)]))
    const backpressure0 = counterSum(victim.node, 'web4_bad_input_total', { error: 'backpressure' })
    const dispatched0 = counterSum(victim.node, 'web4_runtime_dispatch_total', { result: 'ok' })
    const lines0 = victim.trap.refusalLines
    const startedAt = performance.now()
    const plans: Plan[] = []
    for (const [i, attacker] of attackers.entries()) plans.push(await planOf(attacker, i))
    const generatedAt = performance.now()
    await Promise.all(attackers.map(async (attacker, i) => {
      try {
        await sendPaced(plans[i] ?? { control: [], state: [], knowledge: [], mesh: [] }, async (channel, bytes) => { await attacker.sendRaw(victim.node.identity.fingerprint, channel, bytes) })
      } catch (err) {
        throw new Error(`attacker ${i} could not send: ${(err as Error).message}; ${closesOf(attacker.node.identity.fingerprint)}`, { cause: err })
      }
    }))
    await waitFor(() => CHANNELS.every((channel) => victim.tap.delivered(channel) >= (sent.get(channel) ?? 0)), { timeoutMs: 60_000, what: 'every input delivered' })
    t.diagnostic(`generated in ${Math.round(generatedAt - startedAt)} ms, sent in ${Math.round(performance.now() - generatedAt)} ms; ${reproduction('control 0')}`)
    for (const channel of CHANNELS) {
      const delivered = victim.tap.delivered(channel)
      const counted = refusalsOn(victim.node, channel) - (counted0.get(channel) ?? 0)
      t.diagnostic(`${channel}: ${delivered} delivered, ${counted} refusals counted`)
      assert.ok(delivered >= BAD_INPUT_RUNS, `${channel}: ${delivered} of ${BAD_INPUT_RUNS} inputs reached the victim`)
      assert.ok(counted >= delivered, `${channel}: ${counted} refusals counted for ${delivered} inputs (${reproduction(`${channel} 0`)})`)
      assert.equal(counterSum(victim.node, 'web4_bad_input_total', { channel, error: 'internal' }), 0, `${channel}: no untyped refusal`)
    }
    const backpressure = counterSum(victim.node, 'web4_bad_input_total', { error: 'backpressure' }) - backpressure0
    t.diagnostic(`rate-limited (BackpressureError, typed and counted): ${backpressure}`)
    assert.ok(backpressure < BAD_INPUT_RUNS * 0.05, `${backpressure} inputs met a rate limit instead of the checks behind it`)
    assert.equal(counterSum(victim.node, 'web4_runtime_dispatch_total', { result: 'ok' }) - dispatched0, 0, 'no input reached a handler')
    assert.equal(victim.tap.badFrames, 0)
    const delivered = CHANNELS.reduce((sum, channel) => sum + victim.tap.delivered(channel), 0)
    const lines = victim.trap.refusalLines - lines0
    t.diagnostic(`refusal log lines: ${lines} for ${delivered} inputs`)
    assert.ok(lines >= delivered, `${lines} refusals logged for ${delivered} inputs`)
    t.diagnostic(`refusal events by error: ${[...refusedWith].map(([name, count]) => `${name} ${count}`).join(', ')}`)
    assert.deepEqual([...refusedWith.keys()].filter((name) => !Object.hasOwn(ERROR_TABLE, name)), [], 'every refusal event names a typed error')
    t.diagnostic(`by category: ${[...victim.tap.byCategory()].sort((a, b) => b[1] - a[1]).map(([category, count]) => `${category} ${count}`).join(', ')}`)
  })

  it('refuses impersonation on each direct channel by blacklisting the link peer only', async (t) => {
    let delivered = 0
    const counted0 = counterSum(victim.node, 'web4_bad_input_total', { error: 'signature_mismatch' })
    for (const channel of ['control', 'state', 'knowledge'] as const) {
      for (let i = 0; i < ROGUES_PER_CHANNEL; i++) {
        const identity = identityFromLabel(`rogue ${channel} ${i}`)
        const rogue = await startRoguePeer(identity)
        rogues.push(rogue)
        penalised.add(identity.fingerprint)
        const context: EnvelopeContext = { author: { identity, agentId: 'rogue' }, receiver: receiverOf(victim.node), nowMs: Date.now() }
        const inputs = sampleOf(impersonationArb(context, receiverOf(honest[0])), `impersonation ${channel} ${i}`, IMPERSONATIONS_PER_ROGUE)
        for (const input of inputs) victim.tap.register(channel, input.bytes, `impersonation_${input.category}`)
        const before = victim.tap.delivered(channel)
        const link = await rogue.dial(addressOf(victim.node))
        await Promise.allSettled(inputs.map(async (input) => { await rogue.sendRaw(link, input.bytes, channel) }))
        await waitFor(() => victim.node.registry.trustOf(identity.fingerprint) === 'blacklisted' && !rogue.isLinkedTo(victim.node.identity.fingerprint), { what: `rogue ${channel} ${i} blacklisted and cut off` })
        delivered += victim.tap.delivered(channel) - before
        await sleep(250) // DESIGN §6: inbound connections per address ≤ 5/s
      }
    }
    const counted = counterSum(victim.node, 'web4_bad_input_total', { error: 'signature_mismatch' }) - counted0
    t.diagnostic(`impersonations: ${delivered} delivered, ${counted} counted`)
    assert.ok(delivered >= 3 * ROGUES_PER_CHANNEL)
    assert.ok(counted >= delivered)
    const transitions = victim.node.registry.transitions().filter((record) => rogues.some((rogue) => rogue.identity.fingerprint === record.peer))
    assert.ok(transitions.every((record) => record.to === 'blacklisted' && record.event === 'cryptographic_evidence'), 'impersonation is cryptographic evidence (SPEC §15.7)')
  })

  it('stays alive and routing, with no state changed but the senders\' penalties', async () => {
    const receipt = await honest[0].send(honest[1].identity.fingerprint, 'INTENT', INTENT)
    assert.deepEqual(receipt.hops, [victim.node.identity.fingerprint, honest[1].identity.fingerprint], 'the victim relays')
    const own = await victim.node.send(honest[1].identity.fingerprint, 'INTENT', INTENT)
    assert.deepEqual(own.hops, [honest[1].identity.fingerprint])
    assert.deepEqual(snapshotOf(victim.node, (fingerprint) => penalised.has(fingerprint)), before0, 'third parties, claims, humans, evidence, link state and routes unchanged')
    for (const attacker of attackers) {
      assert.ok(['probing', 'untrusted'].includes(victim.node.registry.trustOf(attacker.node.identity.fingerprint)), 'an attacker is at worst untrusted (SPEC §5: invalid signature)')
      assert.ok(victim.node.peers().find((peer) => peer.fingerprint === attacker.node.identity.fingerprint)?.isLinked, `and keeps its link: ${closesOf(attacker.node.identity.fingerprint)}`)
    }
    const transitions = victim.node.registry.transitions().filter((record) => attackers.some((attacker) => attacker.node.identity.fingerprint === record.peer) && record.to !== 'probing')
    assert.ok(transitions.every((record) => record.to === 'untrusted' && record.event === 'invalid_signature'), JSON.stringify(transitions.slice(0, 3)))
    const attackerFingerprints = new Set(attackers.map((attacker) => attacker.node.identity.fingerprint))
    const forbidden = events.filter((event) => ['claim_status', 'hcp_state', 'hcp_trust_transition', 'lip_status', 'lip_fetch', 'intake_deferred', 'state_update', 'intent_accepted', 'intent_deferred', 'handshake_completed'].includes(event.event_type)
      || (event.event_type === 'mesh_delivered' && attackerFingerprints.has(event.peer ?? '')))
    assert.deepEqual(forbidden.map((event) => `${event.event_type} ${event.peer ?? ''}`), [], 'no bad input reached a handler')
    assert.deepEqual(victim.trap.errors, [], 'no error was logged')
    assert.equal(victim.trap.untypedRefusals, 0, 'every refusal was a typed error')
    assert.equal(counterSum(victim.node, 'web4_bad_input_total', { error: 'internal' }), 0)
  })
})

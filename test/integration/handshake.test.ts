/**
 * Integration: the CIP handshake between real nodes over TCP on 127.0.0.1 (issue #3):
 * two nodes; six nodes all dialing one another at once, 20 times; and adversarial
 * peers — forged signature, key mismatch, replay, HELLO flood, junk — each refused
 * with its typed error and only the penalty SPEC §5 prescribes.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type { CipEnvelope } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity, signBytes } from '../../src/protocol/identity/index.ts'
import { signedBytesOf } from '../../src/protocol/envelope/signature-scope.ts'
import { HandshakeSession } from '../../src/runtime/handshake/handshake-session.ts'
import { addressOf, hasHandshakenWith, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { startRoguePeer } from '../helpers/rogue-peer.ts'
import type { RoguePeer } from '../helpers/rogue-peer.ts'
import { waitFor } from '../helpers/wait-for.ts'

const started: MeshNode[] = []
const rogues: RoguePeer[] = []
after(async () => {
  await stopAll(started)
  await Promise.allSettled(rogues.map(async (rogue) => { await rogue.stop() }))
})

async function node (agentId: string, peers: string[] = []): Promise<MeshNode> {
  const created = await startNode(agentId, { peers })
  started.push(created)
  return created
}

/** A rogue peer whose fingerprint is lower than the victim's, so it is the one that starts the handshake (SPEC §5). */
async function rogue (victim: MeshNode): Promise<RoguePeer> {
  let identity = generateKeyPairIdentity()
  while (identity.fingerprint >= victim.identity.fingerprint) identity = generateKeyPairIdentity()
  const created = await startRoguePeer(identity)
  rogues.push(created)
  return created
}

/** A valid first HELLO from `rogue` to `victim`. */
function helloFrom (attacker: RoguePeer, victim: MeshNode): CipEnvelope<'HELLO'> {
  const session = new HandshakeSession({
    role: 'initiator',
    author: { identity: attacker.identity, agentId: 'rogue' },
    localPeerId: attacker.transport.localPeerId,
    remote: { fingerprint: victim.identity.fingerprint, agentId: victim.agentId, peerId: victim.info().peer_id },
    capabilities: [],
    randomBytes: (length) => new Uint8Array(length).fill(7)
  })
  const step = session.start(Date.now())
  assert.ok(step.send !== undefined)
  return step.send
}

function eventsOf (victim: MeshNode, type: string): Array<Record<string, unknown>> {
  return victim.events.since().filter((event) => event.event_type === type).map((event) => ({ peer: event.peer, ...event.payload }))
}

describe('CIP handshake over TCP', { timeout: 120_000 }, () => {
  it('two nodes complete it, become probing, exchange state and log the transition with its reason', async () => {
    const a = await node('alpha')
    const b = await node('beta', [addressOf(a)])
    await waitFor(() => hasHandshakenWith(a, [b]) && hasHandshakenWith(b, [a]), { what: 'handshake' })
    for (const [self, other] of [[a, b], [b, a]] as const) {
      const view = self.peers().find((peer) => peer.fingerprint === other.identity.fingerprint)
      assert.ok(view !== undefined)
      assert.equal(view.agentId, other.agentId)
      assert.equal(view.pubkey, other.identity.pubkey)
      const [transition] = self.registry.transitions({ peer: other.identity.fingerprint })
      assert.deepEqual([transition?.from, transition?.to, transition?.event], ['unknown', 'probing', 'handshake_valid'])
      assert.match(transition?.reason ?? '', /SPEC §6/)
      assert.equal(eventsOf(self, 'handshake_completed').length, 1)
    }
    await waitFor(() => a.peers()[0]?.presence === 'engaged' && b.peers()[0]?.presence === 'engaged', { what: 'STATE_UPDATE' })
    await waitFor(() => eventsOf(a, 'intent_accepted').length + eventsOf(b, 'intent_accepted').length === 1, { what: 'INTENT' })
    await waitFor(() => a.peers()[0]?.liveRtt !== null, { what: 'an RTT sample' })
    await stopAll([a, b])
  })

  it('six nodes all dialing one another at once handshake with every neighbour, 20 times without a failure', async () => {
    for (let round = 0; round < 20; round++) {
      const nodes = await Promise.all(['n0', 'n1', 'n2', 'n3', 'n4', 'n5'].map(async (name) => await startNode(`${name}-${round}`)))
      try {
        for (const self of nodes) for (const other of nodes) if (self !== other) self.connect(addressOf(other))
        await waitFor(() => nodes.every((self) => hasHandshakenWith(self, nodes.filter((other) => other !== self))), { timeoutMs: 20_000, what: `full mesh handshakes in round ${round}` })
        for (const self of nodes) {
          assert.deepEqual(eventsOf(self, 'handshake_failed'), [], `round ${round}`)
          assert.equal(self.peers().filter((peer) => peer.isLinked).length, 5, `one link per neighbour in round ${round}`)
        }
      } finally {
        await stopAll(nodes)
      }
    }
  })
})

describe('CIP handshake against adversarial peers', { timeout: 60_000 }, () => {
  it('drops a HELLO with a forged signature and makes the sender untrusted', async () => {
    const victim = await node('victim-1')
    const attacker = await rogue(victim)
    const link = await attacker.dial(addressOf(victim))
    const hello = helloFrom(attacker, victim)
    const forged = { ...hello, sign: { algo: 'ed25519', signature: signBytes(generateKeyPairIdentity(), signedBytesOf(hello)) } }
    await attacker.sendEnvelope(link, forged)
    await waitFor(() => victim.registry.trustOf(attacker.identity.fingerprint) === 'untrusted', { what: 'untrusted' })
    assert.equal(eventsOf(victim, 'handshake_failed')[0]?.reason, 'bad_signature')
    assert.equal(eventsOf(victim, 'envelope_rejected')[0]?.error, 'SignatureMismatchError')
    assert.equal(victim.metrics.value('web4_bad_input_total', { channel: 'control', error: 'signature_mismatch' }), 1)
    await waitFor(() => !attacker.isLinkedTo(victim.identity.fingerprint), { what: 'link closed' })
  })

  it('blacklists the authenticated peer when the HELLO key is not its own, and refuses it afterwards', async () => {
    const victim = await node('victim-2')
    const attacker = await rogue(victim)
    const link = await attacker.dial(addressOf(victim))
    const impostor = generateKeyPairIdentity()
    const hello = helloFrom(attacker, victim)
    const underAnotherKey = sealEnvelope({ ...hello, sender: { ...hello.sender, fingerprint: impostor.fingerprint, pubkey: impostor.pubkey } }, impostor)
    await attacker.sendEnvelope(link, underAnotherKey)
    await waitFor(() => victim.registry.trustOf(attacker.identity.fingerprint) === 'blacklisted', { what: 'blacklisted' })
    assert.equal(victim.registry.trustOf(impostor.fingerprint), 'unknown', 'the key named inside the envelope is never blamed (SPEC §15.9)')
    assert.equal(eventsOf(victim, 'handshake_failed')[0]?.reason, 'wrong_key')
    const [transition] = victim.registry.transitions({ peer: attacker.identity.fingerprint })
    assert.deepEqual([transition?.to, transition?.event, transition?.causeMsgIds], ['blacklisted', 'cryptographic_evidence', [underAnotherKey.msg_id]])
    await waitFor(() => !attacker.isLinkedTo(victim.identity.fingerprint), { what: 'link closed' })
    // The connection gate refuses it once Noise has named it: a dial may succeed on its side for a moment, never on ours.
    await attacker.dial(addressOf(victim)).catch(() => undefined)
    await waitFor(() => !attacker.isLinkedTo(victim.identity.fingerprint), { what: 'redial refused' })
    assert.equal(victim.peers().find((peer) => peer.fingerprint === attacker.identity.fingerprint)?.isLinked, false)
    assert.equal(eventsOf(victim, 'handshake_completed').length, 0)
  })

  it('rejects a replayed HELLO with ReplayError and changes no trust', async () => {
    const victim = await node('victim-3')
    const attacker = await rogue(victim)
    const link = await attacker.dial(addressOf(victim))
    const hello = helloFrom(attacker, victim)
    await attacker.sendEnvelope(link, hello)
    await waitFor(() => attacker.received.some((envelope) => envelope.type === 'HELLO' && 'challenge_response' in envelope.payload), { what: 'the second HELLO leg' })
    await attacker.sendEnvelope(link, hello)
    await waitFor(() => eventsOf(victim, 'handshake_failed').length === 1, { what: 'handshake_failed' })
    assert.equal(eventsOf(victim, 'handshake_failed')[0]?.reason, 'replay')
    assert.equal(eventsOf(victim, 'envelope_rejected')[0]?.error, 'ReplayError')
    assert.equal(victim.registry.trustOf(attacker.identity.fingerprint), 'unknown')
  })

  it('survives a HELLO flood and junk frames with typed, counted refusals, and still admits an honest peer', async () => {
    const victim = await node('victim-4')
    const attacker = await rogue(victim)
    const link = await attacker.dial(addressOf(victim))
    for (let i = 0; i < 5; i++) await attacker.sendRaw(link, new TextEncoder().encode('{"not":"an envelope"'))
    const floods = Array.from({ length: 60 }, () => attacker.sendEnvelope(link, helloFrom(attacker, victim)).catch(() => { /* link may close mid-flood */ }))
    await Promise.all(floods)
    await waitFor(() => !attacker.isLinkedTo(victim.identity.fingerprint) || victim.metrics.value('web4_bad_input_total', { channel: 'control', error: 'backpressure' }) > 0, { what: 'flood refused' })
    assert.ok(victim.metrics.value('web4_bad_input_total', { channel: 'control', error: 'invalid_envelope' }) >= 1)
    assert.notEqual(victim.registry.trustOf(attacker.identity.fingerprint), 'blacklisted')
    const honest = await node('honest-4', [addressOf(victim)])
    await waitFor(() => hasHandshakenWith(victim, [honest]), { what: 'honest handshake after the flood' })
  })
})

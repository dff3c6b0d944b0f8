/**
 * Integration: the HCP and LIP runtimes between real nodes over TCP on 127.0.0.1
 * (issue #5, SPEC §7–§8, §15.13). Ann pins Bob and Dan as trusted roots; Hal speaks for
 * a human two hops from Ann (Hal–Bob–Ann); Cat submits web evidence; Dan–Ann and
 * Dan–Bob close the mesh.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import type { HumanState } from '../../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { addressOf, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { waitFor } from '../helpers/wait-for.ts'

const CALM: HumanState = { presence: 'engaged', affect: 'calm', clarity: 80, pressure: 20, intent: 'plan a trip', consent: 'granted' }
const INTENT = { goal: 'ask', topic: 'travel', priority: 'normal', context: 'on behalf of hal\'s human' } as const

describe('HCP and LIP runtimes over TCP', { timeout: 120_000 }, () => {
  const started: MeshNode[] = []
  let ann: MeshNode, bob: MeshNode, cat: MeshNode, dan: MeshNode, hal: MeshNode

  before(async () => {
    const [idBob, idDan] = [generateKeyPairIdentity(), generateKeyPairIdentity()]
    bob = await startNode('bob', { identity: idBob })
    dan = await startNode('dan', { identity: idDan, peers: [addressOf(bob)] })
    ann = await startNode('ann', { peers: [addressOf(bob), addressOf(dan)], trustedFingerprints: [idBob.fingerprint, idDan.fingerprint] })
    cat = await startNode('cat', { peers: [addressOf(dan)] })
    hal = await startNode('hal', { peers: [addressOf(bob)] })
    started.push(ann, bob, cat, dan, hal)
    await waitFor(() => started.every((node) => started.every((other) => node === other || node.linkState.nextHop(other.identity.fingerprint) !== undefined)), {
      what: 'routes between every pair', timeoutMs: 30_000
    })
  })
  after(async () => { await stopAll(started) })

  /** Hal reports its human's state to Ann (two hops); resolves once Ann applied it. */
  async function humanSays (human: HumanState): Promise<void> {
    const seen = ann.hcp.session(hal.identity.fingerprint)?.human
    await hal.send('ann', 'HCP_STATE_UPDATE', { presence: human.presence, affect: human.affect, clarity: human.clarity, pressure: human.pressure, consent: human.consent }, { human })
    await waitFor(() => ann.hcp.session(hal.identity.fingerprint)?.human !== seen, { what: 'ann to apply the human state' })
  }

  /** Ann sends an INTENT to Cat on behalf of Hal's human, about `topic` (or inside the scope). */
  async function actForHuman (action: { topic: string } | { scopeItem: string }): Promise<void> {
    await ann.send('cat', 'INTENT', INTENT, { onBehalfOf: { human: hal.identity.fingerprint, ...action } })
  }

  describe('HCP consent, pacing and check-in', () => {
    it('before the human ever spoke, acting on their behalf is refused and nothing is sent', async () => {
      const sent = ann.metrics.value('web4_mesh_envelopes_total', { action: 'sent' })
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'TrustViolationError', reason: 'consent_unknown' })
      assert.equal(ann.metrics.value('web4_mesh_envelopes_total', { action: 'sent' }), sent)
    })

    it('granted consent lets the act through to its destination', async () => {
      const delivered: string[] = []
      const stop = cat.onMessage((message) => { delivered.push(message.carrier.type) })
      await humanSays(CALM)
      await actForHuman({ topic: 'travel' })
      assert.deepEqual(delivered, ['INTENT'])
      stop()
    })

    it('limited consent allows only what is inside the consent scope the human gave in HCP_HELLO', async () => {
      await hal.send('ann', 'HCP_HELLO', { identity: { name: 'Hal\'s human', role: 'traveller' }, consent_scope: ['calendar'], safety_flags: [] }, { human: CALM })
      await humanSays({ ...CALM, consent: 'limited' })
      await actForHuman({ scopeItem: 'calendar' })
      await assert.rejects(actForHuman({ scopeItem: 'bank account' }), { name: 'TrustViolationError', reason: 'outside_consent_scope' })
    })

    it('revoked consent: nothing is sent on the human\'s behalf', async () => {
      await humanSays({ ...CALM, consent: 'revoked' })
      const delivered: string[] = []
      const stop = cat.onMessage((message) => { delivered.push(message.carrier.type) })
      const sent = ann.metrics.value('web4_mesh_envelopes_total', { action: 'sent' })
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'TrustViolationError', reason: 'consent_revoked' })
      await assert.rejects(actForHuman({ scopeItem: 'calendar' }), { name: 'TrustViolationError', reason: 'consent_revoked' })
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.equal(ann.metrics.value('web4_mesh_envelopes_total', { action: 'sent' }), sent)
      assert.deepEqual(delivered, [])
      stop()
    })

    it('pressure ≥ 80 or clarity ≤ 30 defers the act with its reason', async () => {
      await humanSays({ ...CALM, pressure: 85 })
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'BackpressureError', reason: 'high_pressure' })
      await humanSays({ ...CALM, clarity: 25 })
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'BackpressureError', reason: 'low_clarity' })
      assert.ok(ann.events.since().some((event) => event.event_type === 'hcp_deferred' && event.payload.reason === 'low_clarity'))
    })

    it('an anxious human needs an explicit check-in, answered, before the act', async () => {
      const anxious: HumanState = { ...CALM, affect: 'anxious' }
      await humanSays(anxious)
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'TrustViolationError', reason: 'affect_anxious' })
      assert.equal(ann.hcp.recordCheckIn(hal.identity.fingerprint), true, 'ann asked')
      await assert.rejects(actForHuman({ topic: 'travel' }), { name: 'TrustViolationError', reason: 'affect_anxious' }, 'asking is not enough')
      await hal.send('ann', 'HCP_FEEDBACK', { feedback: 'yes, go ahead', corrections: [], satisfaction: 90 }, { human: anxious })
      await waitFor(() => ann.hcp.session(hal.identity.fingerprint)?.checkIn === 'confirmed', { what: 'the answer at ann' })
      await actForHuman({ topic: 'travel' })
    })

    it('a decision without rationale or alternatives is refused at the receiver, which says so in the receipt', async () => {
      await assert.rejects(hal.send('ann', 'HCP_DECISION', { decision: 'book it', rationale: '', alternatives: [], follow_up: '' }, { human: CALM }), /rationale/)
      assert.ok(ann.events.since().some((event) => event.event_type === 'hcp_refused' && event.payload.kind === 'decision'))
      await hal.send('ann', 'HCP_DECISION', { decision: 'book it', rationale: 'cheapest direct flight', alternatives: ['train'], follow_up: 'confirm by noon' }, { human: CALM })
    })
  })

  describe('LIP deferred acceptance and corroboration', () => {
    const retrievedAt = (): string => new Date().toISOString()

    it('evidence from a source of unknown tier waits for two trusted corroborators; one is not enough, an untrusted one never counts', async () => {
      const source = { uri: 'https://blog.example.net/boiling', trust_tier: 'high' as const, retrieved_at: retrievedAt() }
      await cat.send('ann', 'LIP_EVIDENCE', { claims: ['water boils at 100 °C'], evidence: ['a blog post'], confidence: 0.8, extraction_notes: '' }, { source })
      await waitFor(() => ann.lip.list().some((item) => item.source.uri === source.uri), { what: 'the evidence at ann' })
      const idOf = (): string => ann.lip.list().find((item) => item.source.uri === source.uri)?.id ?? ''
      assert.equal(ann.lip.get(idOf())?.status, 'pending', 'a declared tier is not believed: the source tier is ann\'s own')
      const accept = { decision: 'accept', reason: 'checked the source', corroborators: [] }
      await hal.send('ann', 'LIP_ACCEPT', accept, { source: { ...source, retrieved_at: retrievedAt() } })
      await bob.send('ann', 'LIP_ACCEPT', accept, { source: { ...source, retrieved_at: retrievedAt() } })
      await waitFor(() => ann.lip.get(idOf())?.corroborators.length === 2, { what: 'both corroborations at ann' })
      assert.equal(ann.lip.get(idOf())?.status, 'pending', 'one trusted corroborator (bob) and one probing (hal)')
      await dan.send('ann', 'LIP_ACCEPT', accept, { source: { ...source, retrieved_at: retrievedAt() } })
      await waitFor(() => ann.lip.get(idOf())?.status === 'accepted', { what: 'acceptance with two trusted corroborators' })
      assert.deepEqual(ann.lip.get(idOf())?.trustedCorroborators, [bob.identity.fingerprint, dan.identity.fingerprint].sort())
    })

    it('a source ann rates medium or better is accepted without corroboration, but not while ann is overloaded', async () => {
      ann.lip.setSourceTier('*.who.int', 'high')
      ann.setPresence('overloaded', 90)
      const source = { uri: 'https://www.who.int/boiling', trust_tier: 'high' as const, retrieved_at: retrievedAt() }
      await cat.send('ann', 'LIP_EVIDENCE', { claims: ['boiled water is safe to drink'], evidence: ['WHO guidance'], confidence: 0.9, extraction_notes: '' }, { source })
      await waitFor(() => ann.lip.list().some((item) => item.source.uri === source.uri), { what: 'the evidence at ann' })
      const item = ann.lip.list().find((entry) => entry.source.uri === source.uri)
      assert.equal(item?.status, 'pending', 'held back while overloaded (SPEC §7 rule 5)')
      ann.setPresence('engaged', 40)
      assert.equal(ann.lip.get(item.id)?.status, 'accepted')
    })

    it('a trusted peer\'s conflict disputes accepted evidence', async () => {
      const item = ann.lip.list().find((entry) => entry.source.uri === 'https://www.who.int/boiling')
      assert.equal(item?.status, 'accepted')
      await bob.send('ann', 'LIP_CONFLICT', { conflicts: ['not at altitude'], local_refs: [item.id], severity: 'high' }, { source: { ...item.source, retrieved_at: retrievedAt() } })
      await waitFor(() => ann.lip.get(item.id)?.status === 'disputed', { what: 'the dispute' })
    })
  })
})

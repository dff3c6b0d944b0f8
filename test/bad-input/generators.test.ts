/**
 * The generators themselves (issue #7 item 3): every input they make is refused by the
 * real intake, router and link state (run in memory) with one of the outcomes it
 * declares, counted, and dispatched nowhere; the same seed makes the same inputs; and
 * every category the brief lists is made. fast-check prints the seed of a failing run.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { MAX_ENVELOPE_BYTES } from '../../src/protocol/constants.ts'
import { openEnvelope } from '../../src/protocol/envelope/open.ts'
import { validateEnvelope } from '../../src/protocol/envelope/validate.ts'
import { reportError } from '../../src/protocol/errors.ts'
import { decodeCanonicalBase64, isAcceptablePublicKey, isCanonicalSignature, signBytes } from '../../src/protocol/identity/index.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import {
  adminRequestArb, BAD_INPUT_SEED, cliCaseArb, controlInputArb, identityFromLabel, impersonationArb, isImpersonation, meshInputArb,
  sampleOf, seedOf, stateInputArb
} from './generators.ts'
import type { BadInput, EnvelopeContext, LsaContext, MeshContext } from './generators.ts'
import { malleateSignature, nonCanonicalR, SMALL_ORDER_FORGERY, WEAK_PUBLIC_KEYS } from './identities.ts'
import { createModelVictim } from './model-victim.ts'

const RUNS = 400
const NOW = Date.now()
const victim = identityFromLabel('model victim')
const attacker = identityFromLabel('model attacker')
const third = identityFromLabel('model third')
const HELD_SEQ = 7
const receiver = { agent_id: 'victim', fingerprint: victim.fingerprint }
const direct: EnvelopeContext = { author: { identity: attacker, agentId: 'attacker' }, receiver, nowMs: NOW }
const lsa: LsaContext = { identity: attacker, agentId: 'attacker', heldSeq: HELD_SEQ, third: { fingerprint: third.fingerprint, pubkey: third.pubkey, agentId: 'third' }, nowMs: NOW }
const mesh: MeshContext = { ...direct, third: { agent_id: 'third', fingerprint: third.fingerprint, pubkey: third.pubkey }, duplicateId: '00000000-0000-4000-8000-000000000000' }

function options (label: string): fc.Parameters<[BadInput]> {
  return { seed: seedOf(label), numRuns: RUNS }
}

/** Feeds every input of `arbitrary` to one model victim on `channel` and checks each refusal. */
function assertRefusedByModel (channel: ChannelName, arbitrary: fc.Arbitrary<BadInput>, label: string): Set<string> {
  const model = createModelVictim({ victim, attacker, third, heldSeq: HELD_SEQ, nowMs: NOW })
  const categories = new Set<string>()
  fc.assert(fc.property(arbitrary, (input) => {
    categories.add(input.category)
    const offered = model.offer(channel, input.bytes)
    assert.equal(offered.dispatched, 0, `${input.category}: nothing is dispatched`)
    assert.ok(offered.counted >= 1, `${input.category}: the refusal is counted`)
    assert.ok(input.expected.includes(offered.outcome as never), `${input.category}: refused as ${offered.outcome}, expected one of ${input.expected.join(', ')}`)
    assert.notEqual(model.registry.trustOf(attacker.fingerprint), 'blacklisted', `${input.category}: no blacklisting`)
  }), options(label))
  assert.equal(model.metrics.value('web4_bad_input_total', { channel, error: 'internal' }), 0)
  return categories
}

describe('bad-input generators', () => {
  it(`make inputs the real intake refuses as declared, on every channel (seed ${BAD_INPUT_SEED})`, () => {
    const seen = new Set<string>()
    for (const category of assertRefusedByModel('control', controlInputArb(direct, lsa), 'model control')) seen.add(category)
    for (const category of assertRefusedByModel('state', stateInputArb(direct), 'model state')) seen.add(category)
    for (const category of assertRefusedByModel('mesh', meshInputArb(mesh), 'model mesh')) seen.add(category)
    const required = [
      'junk', 'malformed_json', 'wrong_type', 'oversized', 'deep', 'duplicate_key', 'forbidden_key', 'forged_signature', 'malleated_signature',
      'non_canonical_r', 'signed_by_other_key', 'signature_reused_on_type', 'changed_member', 'stale_timestamp', 'future_timestamp',
      'lsa_weak_key', 'lsa_wrong_fingerprint', 'lsa_forged_third_party', 'lsa_stale_sequence', 'lsa_conflicting_sequence', 'lsa_stale_created_at',
      'weak_key', 'wrong_fingerprint', 'loop', 'max_hops', 'unknown_destination', 'duplicate_id', 'wrong_channel', 'unsafe_integer', 'lone_surrogate',
      'lsa_signature_reused', 'lsa_malleated_signature', 'lsa_forged_signature', 'body_signature_reused', 'bad_signature_encoding', 'stale_body',
      'lsa_weak_key_forgery', 'weak_key_forgery'
    ]
    assert.deepEqual(required.filter((category) => !seen.has(category)), [], 'every category of the brief is generated')
  })

  it('make impersonations that blacklist the link peer and nothing else', () => {
    const model = createModelVictim({ victim, attacker, third, heldSeq: HELD_SEQ, nowMs: NOW })
    fc.assert(fc.property(impersonationArb(direct, mesh.third), (input) => {
      assert.ok(isImpersonation(input.bytes, direct), input.category)
      const offered = model.offer('knowledge', input.bytes)
      assert.equal(offered.outcome, 'SignatureMismatchError', input.category)
      assert.equal(model.registry.trustOf(attacker.fingerprint), 'blacklisted')
      assert.equal(model.registry.trustOf(third.fingerprint), 'unknown', 'the key named inside is never blamed')
    }), { seed: seedOf('model impersonation'), numRuns: 100 })
  })

  it('make envelope files the CLI refuses with an exit code of the error table', () => {
    fc.assert(fc.property(cliCaseArb(mesh), (cliCase) => {
      assert.ok(cliCase.exitCodes.length > 0, cliCase.category)
      const run = (): unknown => cliCase.command === 'verify'
        ? openEnvelope(cliCase.bytes, { nowMs: Date.now() })
        : validateEnvelope(parseJson(cliCase.bytes, { maxBytes: MAX_ENVELOPE_BYTES }))
      let code = 0
      try {
        run()
      } catch (err) {
        code = reportError(err).exitCode
      }
      assert.ok(cliCase.exitCodes.includes(code), `${cliCase.command} ${cliCase.category}: exit ${code}, expected ${cliCase.exitCodes.join('|')}`)
    }), { seed: seedOf('model cli'), numRuns: RUNS })
  })

  it('make admin requests with one defect each and a 4xx status', () => {
    const context = { token: 't'.repeat(43), host: '127.0.0.1:4702', self: victim.fingerprint, peerAgentId: 'peer', claimId: 'ab'.repeat(32), knownPeer: third.fingerprint }
    const defects = new Set<string>()
    fc.assert(fc.property(adminRequestArb(context), (request) => {
      defects.add(request.defect)
      assert.ok(request.expected.length > 0 && request.expected.every((status) => status >= 400 && status < 500), request.defect)
      assert.match(request.path, /^\/\S*$/, 'a request target in origin form')
    }), { seed: seedOf('model admin'), numRuns: RUNS })
    assert.ok(defects.size >= 14, `defects: ${[...defects].join(', ')}`)
  })

  it('make the same inputs from the same seed', () => {
    const first = sampleOf(stateInputArb(direct), 'determinism', 50).map((input) => Buffer.from(input.bytes).toString('base64'))
    const second = sampleOf(stateInputArb(direct), 'determinism', 50).map((input) => Buffer.from(input.bytes).toString('base64'))
    assert.deepEqual(first, second)
    assert.notEqual(seedOf('control'), seedOf('state'))
  })

  it('use keys and signatures a strict verifier refuses and a lax one might take', () => {
    for (const raw of WEAK_PUBLIC_KEYS) assert.equal(isAcceptablePublicKey(raw), false, Buffer.from(raw).toString('hex'))
    const forgery = decodeCanonicalBase64(SMALL_ORDER_FORGERY)
    assert.ok(forgery !== undefined && isCanonicalSignature(forgery), 'the forgery is well-formed: only the key check stops it')
    const signature = signBytes(attacker, new Uint8Array([1, 2, 3]))
    for (const bad of [malleateSignature(signature), nonCanonicalR(signature, 0n), nonCanonicalR(signature, 17n)]) {
      const raw = decodeCanonicalBase64(bad)
      assert.ok(raw !== undefined && raw.length === 64, 'still 64 bytes of canonical base64')
      assert.equal(isCanonicalSignature(raw), false)
    }
  })
})

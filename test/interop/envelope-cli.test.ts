/**
 * Interop through the CLI (issue #2 "Done when"): `web4mesh envelope verify` accepts
 * envelopes signed by the independent Python reference (Ed25519 from `cryptography`,
 * canonical JSON from `json.dumps`) and rejects tampered ones; what `envelope sign`
 * produces verifies there too. The envelopes carry the numbers and text the two
 * languages print differently.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { canonicalize } from '../../src/protocol/canonical-json.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import { startPythonReference } from '../helpers/python-reference.ts'
import type { PythonReference, ReferenceAnswer } from '../helpers/python-reference.ts'
import { runCli } from '../helpers/run-cli.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-interop-'))
let python: PythonReference
let pythonKey: ReferenceAnswer

before(async () => {
  python = startPythonReference()
  pythonKey = await python.call({ op: 'keygen' })
})
after(async () => {
  await python.close()
  await rm(root, { recursive: true, force: true })
})

/**
 * A FACT_PROPOSE written as the Python reference would write it: floats with integral
 * values (`1.0`), a tiny float Python prints as `1e-05`, non-ASCII text, an astral
 * character and a control character.
 */
function factProposeText (fingerprint: string, pubkey: string, statement = 'Задержка FRA–AMS < 9 ms 📡'): string {
  return `{"cip":"1.0","msg_id":"${randomUUID()}","type":"FACT_PROPOSE","timestamp":"${new Date().toISOString().replace('Z', '+00:00')}",`
    + `"sender":{"agent_id":"py-agent","fingerprint":"${fingerprint}","pubkey":"${pubkey}"},`
    + `"receiver":{"agent_id":"ts-agent","fingerprint":"${'e'.repeat(64)}"},`
    + `"trust":{"sender_view":"probing","receiver_view":"unknown"},`
    + `"state":{"presence":"focused","lri":70.0,"kernel_signals":["tab\\tsep"],"intent":"share"},`
    + `"payload":{"fact":{"statement":${JSON.stringify(statement)},"domain":"network.latency","confidence":1.0,"sources":["https://example.org/ü"],"context":"p=0.00001"},`
    + `"dmp_trace":{"decision_id":"d1","steps":["measure"],"counterfactuals":[],"evidence":["1e-05"]},"causal_links":[]}}`
}

async function pythonSigned (text: string, omit?: string[]): Promise<string> {
  const answer = await python.call({ op: 'sign', private_pem: pythonKey.private_pem, envelope_text: text, ...(omit === undefined ? {} : { omit }) })
  assert.ok(answer.ok, answer.error)
  return answer.envelope_text ?? ''
}

describe('envelopes signed by the Python reference', () => {
  it('verify with web4mesh envelope verify', async () => {
    const signed = await pythonSigned(factProposeText(pythonKey.fingerprint ?? '', pythonKey.pubkey ?? ''))
    assert.match(signed, /"confidence": 1\.0/, 'the reference keeps the float lexeme')
    const run = await runCli(['envelope', 'verify', '--json', '-'], { input: signed })
    assert.equal(run.code, 0, run.stderr)
    assert.equal((JSON.parse(run.stdout) as { sender: { fingerprint: string } }).sender.fingerprint, pythonKey.fingerprint)
  })

  it('are rejected when tampered, including a float rewritten as an integer', async () => {
    const signed = await pythonSigned(factProposeText(pythonKey.fingerprint ?? '', pythonKey.pubkey ?? ''))
    for (const tampered of [
      signed.replace('"confidence": 1.0', '"confidence": 1'),
      signed.replace('"lri": 70.0', '"lri": 71.0'),
      signed.replace('FRA', 'FRB'),
      signed.replace('"receiver_view": "unknown"', '"receiver_view": "trusted"')
    ]) {
      assert.notEqual(tampered, signed)
      const run = await runCli(['envelope', 'verify', '-'], { input: tampered })
      assert.equal(run.code, 5, `${run.stderr} for ${tampered.slice(0, 40)}`)
      assert.match(run.stderr, /^web4mesh: SignatureMismatchError: .*reason: bad_signature/)
    }
  })

  it('keep verifying when a relay appends to a mesh carrier\'s hops, and fail when it edits the body', async () => {
    // The body stays text all the way: JSON.parse would turn its 1.0 into 1 and break its signature.
    const body = await pythonSigned(factProposeText(pythonKey.fingerprint ?? '', pythonKey.pubkey ?? ''))
    const now = new Date().toISOString()
    const header = {
      mesh: '1.0', msg_id: randomUUID(), id: randomUUID(), type: 'FACT_PROPOSE', timestamp: now, created_at: now,
      sender: { agent_id: 'py-agent', fingerprint: pythonKey.fingerprint, pubkey: pythonKey.pubkey },
      receiver: { agent_id: '*', fingerprint: '*' }, origin: pythonKey.fingerprint, destination: '*', hops: []
    }
    const carrierText = `${JSON.stringify(header).slice(0, -1)},"payload":{"body":${body}}}`
    const sealed = parseJson(await pythonSigned(carrierText, ['sign', 'hops'])) as { hops: string[], payload: { body: { payload: { fact: { domain: string } } } } }
    sealed.hops.push('a'.repeat(64), 'b'.repeat(64))
    const relayed = await runCli(['envelope', 'verify', '-'], { input: canonicalize(sealed) })
    assert.equal(relayed.code, 0, relayed.stderr)
    sealed.payload.body.payload.fact.domain = 'network.loss'
    const edited = await runCli(['envelope', 'verify', '-'], { input: canonicalize(sealed) })
    assert.equal(edited.code, 5, edited.stderr)
  })
})

describe('envelopes signed by web4mesh envelope sign', () => {
  it('verify with the Python reference, and tampering is caught there', async () => {
    const data = join(root, 'ts')
    assert.equal((await runCli(['init', '--data', data, '--agent-id', 'ts-agent'])).code, 0)
    const identity = JSON.parse(await readFile(join(data, 'config.json'), 'utf8')) as { agent_id: string }
    assert.equal(identity.agent_id, 'ts-agent')
    const draft = JSON.parse(factProposeText('0'.repeat(64), 'A'.repeat(43) + '=')) as Record<string, unknown>
    delete draft.sender
    delete draft.msg_id
    delete draft.timestamp
    const text = JSON.stringify(draft).replace('"confidence":1', '"confidence":1.0').replace('"lri":70', '"lri":70.0')
    const signed = await runCli(['envelope', 'sign', '--data', data, '-'], { input: text })
    assert.equal(signed.code, 0, signed.stderr)
    assert.match(signed.stdout, /"confidence":1\.0/, 'a float lexeme stays a float through sign')

    const verdict = await python.call({ op: 'verify', envelope_text: signed.stdout })
    assert.deepEqual({ ok: verdict.ok, reason: verdict.reason }, { ok: true, reason: undefined })
    const tampered = await python.call({ op: 'verify', envelope_text: signed.stdout.replace('network.latency', 'network.loss') })
    assert.equal(tampered.reason, 'bad_signature')
    const refloated = await python.call({ op: 'verify', envelope_text: signed.stdout.replace('"confidence":1.0', '"confidence":1') })
    assert.equal(refloated.reason, 'bad_signature')
  })
})

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../../../test/fixtures/example-payloads.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES, protocolOfType } from './types.ts'
import type { BodyType } from './types.ts'
import { validateEnvelope, validatePayload } from './validate.ts'

type Json = Record<string, unknown>
type Path = readonly (string | number)[]

const FINGERPRINT_A = 'a1'.repeat(32)
const FINGERPRINT_B = 'b2'.repeat(32)
const FINGERPRINT_C = 'c3'.repeat(32)
const PUBKEY = Buffer.alloc(32, 7).toString('base64')
const SIGNATURE = Buffer.alloc(64, 9).toString('base64')
const MSG_ID = '3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b'
const BODY_MSG_ID = '0d9c8b7a-6f5e-4d3c-8b2a-190817263544'
const CARRIER_ID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9'
const TIMESTAMP = '2026-11-26T12:00:00.123Z'
const BODY_TYPES: readonly BodyType[] = [...CIP_TYPES, ...HCP_TYPES, ...LIP_TYPES]
const SEED = 20261126

const PAYLOADS = EXAMPLE_PAYLOADS
type PayloadType = keyof typeof PAYLOADS

/** Members whose absence a payload may have. */
const OPTIONAL_PAYLOAD_MEMBERS: ReadonlySet<string> = new Set(['/challenge_response'])

const ENUM_PATHS: Readonly<Partial<Record<PayloadType, Path[]>>> = {
  INTENT: [['goal'], ['priority']],
  FACT_CHALLENGE: [['reason']],
  FACT_CONFIRM: [['decision']],
  FACT_REJECT: [['decision']],
  STATE_UPDATE: [['presence'], ['ltppeerstate']],
  HCP_INTENT: [['goal'], ['priority']],
  HCP_STATE_UPDATE: [['presence'], ['affect'], ['consent']],
  LIP_CONFLICT: [['severity']],
  MESH_RECEIPT: [['status']]
}

const RANGES: Readonly<Partial<Record<BodyType, [Path, number, number][]>>> = {
  FACT_PROPOSE: [[['fact', 'confidence'], 0, 1]],
  FACT_CONFIRM: [[['confidence'], 0, 1]],
  FACT_REJECT: [[['confidence'], 0, 1]],
  STATE_UPDATE: [[['lri'], 0, 100]],
  HCP_FEEDBACK: [[['satisfaction'], 0, 100]],
  HCP_STATE_UPDATE: [[['clarity'], 0, 100], [['pressure'], 0, 100]],
  LIP_EVIDENCE: [[['confidence'], 0, 1]]
}

function commonMembers (type: string, payload: Json, msgId = MSG_ID): Json {
  return {
    msg_id: msgId,
    type,
    timestamp: TIMESTAMP,
    sender: { agent_id: 'alice', fingerprint: FINGERPRINT_A, pubkey: PUBKEY, capabilities: ['mesh'] },
    receiver: { agent_id: 'bob', fingerprint: FINGERPRINT_B },
    payload,
    sign: { algo: 'ed25519', signature: SIGNATURE }
  }
}

function bodyEnvelope (type: BodyType, msgId = MSG_ID): Json {
  const common = commonMembers(type, structuredClone(PAYLOADS[type]), msgId)
  switch (protocolOfType(type)) {
    case 'cip':
      return {
        cip: '1.0', ...common,
        trust: { sender_view: 'probing', receiver_view: 'unknown' },
        state: { presence: 'focused', lri: 10, kernel_signals: [], intent: 'learn' }
      }
    case 'hcp':
      return {
        hcp: '1.0', ...common,
        state: { human: { presence: 'diffuse', affect: 'neutral', clarity: 50, pressure: 20, intent: 'plan', consent: 'limited' } }
      }
    default:
      return {
        lip: '1.0', ...common,
        source: { uri: 'https://example.org/a?b=c', trust_tier: 'medium', retrieved_at: '2026-11-26T11:59:00+00:00' }
      }
  }
}

function meshEnvelope (type: string, payload: Json): Json {
  return {
    mesh: '1.0', ...commonMembers(type, payload),
    id: CARRIER_ID, origin: FINGERPRINT_A, destination: FINGERPRINT_B, hops: [FINGERPRINT_C], created_at: TIMESTAMP
  }
}

function carrier (type: string, bodyType: BodyType): Json {
  return meshEnvelope(type, { body: bodyEnvelope(bodyType, BODY_MSG_ID) })
}

/** Every example: one per body type, MESH_HELLO, SERVICE_INVOKE, MESH_RECEIPT and a carrier of every body type. */
const EXAMPLES: ReadonlyMap<string, Json> = new Map([
  ...BODY_TYPES.map((type): [string, Json] => [type, bodyEnvelope(type)]),
  ['MESH_HELLO', carrier('MESH_HELLO', 'HELLO')],
  ['SERVICE_INVOKE', meshEnvelope('SERVICE_INVOKE', structuredClone(PAYLOADS.SERVICE_INVOKE))],
  ['MESH_RECEIPT', meshEnvelope('MESH_RECEIPT', structuredClone(PAYLOADS.MESH_RECEIPT))],
  ...BODY_TYPES.map((type): [string, Json] => [`mesh carrier of ${type}`, carrier(type, type)])
])

function example (name: string): Json {
  const value = EXAMPLES.get(name)
  assert.ok(value !== undefined, name)
  return structuredClone(value)
}

function parentOf (root: unknown, path: Path): Record<string | number, unknown> {
  let node = root
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key]
  return node as Record<string | number, unknown>
}

function getAt (root: unknown, path: Path): unknown {
  return path.length === 0 ? root : parentOf(root, path)[path.at(-1)!]
}

function setAt (root: unknown, path: Path, value: unknown): void {
  parentOf(root, path)[path.at(-1)!] = value
}

function deleteAt (root: unknown, path: Path): void {
  const parent = parentOf(root, path)
  if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1)
  else Reflect.deleteProperty(parent, path.at(-1)!)
}

/** Every member and array item below `value`, depth first. */
function pathsOf (value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return []
  return Object.keys(value).flatMap((key) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key]
    return [path, ...pathsOf((value as Json)[key], path)]
  })
}

function pointer (path: Path): string {
  return path.map((key) => `/${key}`).join('')
}

function expectError (run: () => unknown, name: string, reason: string, field?: string): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof Error)
    assert.equal(err.name, name)
    assert.equal((err as Error & { reason: string }).reason, reason)
    if (field !== undefined) assert.equal((err as Error & { field?: string }).field, field)
    return true
  })
}

function expectEnvelopeError (value: unknown, reason: string, field?: string): void {
  expectError(() => validateEnvelope(value), 'InvalidEnvelopeError', reason, field)
}

function expectPayloadError (value: unknown, field?: string): void {
  expectError(() => validateEnvelope(value), 'PayloadSchemaError', 'schema', field)
}

function mutated (name: string, mutate: (value: Json) => void): Json {
  const value = example(name)
  mutate(value)
  return value
}

function wrongTypeFor (value: unknown): unknown {
  return typeof value === 'string' ? 42 : 'wrong'
}

function tagOf (value: Json): string {
  return ['cip', 'hcp', 'lip', 'mesh'].find((tag) => Object.hasOwn(value, tag))!
}

describe('validateEnvelope()', () => {
  for (const name of EXAMPLES.keys()) {
    describe(name, () => {
      it('validateEnvelope() returns the example unchanged', () => {
        const value = example(name)
        assert.equal(validateEnvelope(value), value)
        assert.deepEqual(value, EXAMPLES.get(name))
      })

      it('validateEnvelope() rejects each missing envelope member', () => {
        const value = example(name)
        const tag = tagOf(value)
        for (const key of Object.keys(value)) {
          if (tag === 'cip' && (key === 'trust' || key === 'state')) continue
          const reason = key === tag ? 'version' : key === 'type' ? 'unknown_type' : 'schema'
          expectEnvelopeError(mutated(name, (v) => { deleteAt(v, [key]) }), reason)
        }
      })

      it('validateEnvelope() rejects an extra member in the envelope, sender, receiver and sign', () => {
        for (const path of [['extra'], ['sender', 'extra'], ['receiver', 'extra'], ['sign', 'extra']]) {
          expectEnvelopeError(mutated(name, (v) => { setAt(v, path, 'x') }), 'schema', pointer(path))
        }
        expectPayloadError(mutated(name, (v) => { setAt(v, ['payload', 'extra'], 'x') }), '/payload/extra')
      })

      it('validateEnvelope() rejects a bad msg_id', () => {
        for (const msgId of [MSG_ID.toUpperCase(), '3f2a9c1e-7b4d-1e8f-9a0b-1c2d3e4f5a6b', '3f2a9c1e-7b4d-4e8f-7a0b-1c2d3e4f5a6b', '', 42, null]) {
          expectEnvelopeError(mutated(name, (v) => { v.msg_id = msgId }), 'schema', '/msg_id')
        }
      })

      it('validateEnvelope() rejects a bad fingerprint, pubkey, signature or timestamp', () => {
        const cases: [Path, unknown][] = [
          [['sender', 'fingerprint'], FINGERPRINT_A.toUpperCase()], [['sender', 'fingerprint'], '*'],
          [['receiver', 'fingerprint'], FINGERPRINT_B.slice(1)], [['sender', 'pubkey'], PUBKEY.slice(0, -1)],
          [['sign', 'signature'], SIGNATURE.replace('=', '')], [['sign', 'algo'], 'rsa'],
          [['timestamp'], '2026-11-26 12:00:00Z'], [['timestamp'], '2026-11-26T12:00:00']
        ]
        for (const [path, bad] of cases) expectEnvelopeError(mutated(name, (v) => { setAt(v, path, bad) }), 'schema', pointer(path))
      })

      it('validateEnvelope() rejects a missing, wrong or doubled version tag', () => {
        const tag = tagOf(example(name))
        expectEnvelopeError(mutated(name, (v) => { deleteAt(v, [tag]) }), 'version')
        for (const bad of ['1.1', 1, null]) expectEnvelopeError(mutated(name, (v) => { v[tag] = bad }), 'version', tag)
        const other = tag === 'lip' ? 'cip' : 'lip'
        expectEnvelopeError(mutated(name, (v) => { v[other] = '1.0' }), 'version')
      })

      it('validateEnvelope() rejects an unknown type or a type of another family', () => {
        const tag = tagOf(example(name))
        const foreign = tag === 'hcp' ? 'LIP_FETCH' : tag === 'mesh' ? 'NOT_A_TYPE' : 'HCP_HELLO'
        for (const type of ['NOPE', foreign, 42, null, 'hello']) {
          expectEnvelopeError(mutated(name, (v) => { v.type = type }), 'unknown_type', 'type')
        }
      })

      it('validateEnvelope() rejects a payload that is not an object', () => {
        for (const payload of [null, [], 'x', 1]) expectEnvelopeError(mutated(name, (v) => { v.payload = payload }), 'schema', '/payload')
      })

      const type = example(name).type as PayloadType
      // A carrier's payload is its body, covered by the body type's own example.
      if (tagOf(example(name)) === 'mesh' && type !== 'SERVICE_INVOKE' && type !== 'MESH_RECEIPT') return
      const payload = PAYLOADS[type]
      const payloadPaths = pathsOf(payload).filter((path) => path[0] !== 'input')

      it('validateEnvelope() rejects each missing payload member', () => {
        for (const path of payloadPaths.filter((p) => typeof p.at(-1) === 'string')) {
          const value = mutated(name, (v) => { deleteAt(v, ['payload', ...path]) })
          if (OPTIONAL_PAYLOAD_MEMBERS.has(pointer(path))) validateEnvelope(value)
          else expectPayloadError(value, `/payload${pointer(path)}`)
        }
      })

      it('validateEnvelope() rejects each payload member and item of the wrong type', () => {
        for (const path of payloadPaths) {
          const bad = wrongTypeFor(getAt(payload, path))
          expectPayloadError(mutated(name, (v) => { setAt(v, ['payload', ...path], bad) }), `/payload${pointer(path)}`)
        }
      })

      it('validateEnvelope() rejects an extra member in each payload object', () => {
        for (const path of [[], ...payloadPaths].filter((p) => typeof getAt(payload, p) === 'object' && !Array.isArray(getAt(payload, p)))) {
          expectPayloadError(mutated(name, (v) => { setAt(v, ['payload', ...path, 'extra'], 'x') }), `/payload${pointer(path)}/extra`)
        }
      })

      for (const path of ENUM_PATHS[type] ?? []) {
        it(`validateEnvelope() rejects a value outside the enumeration of ${pointer(path)}`, () => {
          for (const bad of ['bogus', 'FOCUSED', '']) expectPayloadError(mutated(name, (v) => { setAt(v, ['payload', ...path], bad) }), `/payload${pointer(path)}`)
        })
      }

      for (const [path, min, max] of RANGES[type as BodyType] ?? []) {
        it(`validateEnvelope() accepts ${pointer(path)} in ${min}..${max} and rejects it outside`, () => {
          for (const ok of [min, max]) validateEnvelope(mutated(name, (v) => { setAt(v, ['payload', ...path], ok) }))
          for (const bad of [min - 0.001, max + 0.001, Number.NaN, Infinity]) {
            expectPayloadError(mutated(name, (v) => { setAt(v, ['payload', ...path], bad) }), `/payload${pointer(path)}`)
          }
        })
      }
    })
  }

  describe('family blocks', () => {
    it('validateEnvelope() accepts a CIP envelope without trust and state, and a sender without capabilities', () => {
      const value = mutated('INTENT', (v) => {
        for (const path of [['trust'], ['state'], ['sender', 'capabilities']]) deleteAt(v, path)
      })
      assert.equal(validateEnvelope(value), value)
    })

    it('validateEnvelope() rejects bad CIP trust and state blocks', () => {
      const cases: [Path, unknown][] = [
        [['trust', 'sender_view'], 'unknown'], [['trust', 'receiver_view'], 'friendly'], [['state', 'presence'], 'asleep'],
        [['state', 'lri'], 100.5], [['state', 'lri'], '50'], [['state', 'kernel_signals'], 'x'], [['trust', 'extra'], 'x']
      ]
      for (const [path, bad] of cases) expectEnvelopeError(mutated('STATE_UPDATE', (v) => { setAt(v, path, bad) }), 'schema', pointer(path))
      expectEnvelopeError(mutated('STATE_UPDATE', (v) => { deleteAt(v, ['state', 'intent']) }), 'schema', '/state/intent')
    })

    it('validateEnvelope() rejects an HCP envelope with a missing or bad human state', () => {
      expectEnvelopeError(mutated('HCP_INTENT', (v) => { v.state = {} }), 'schema', '/state/human')
      const cases: [Path, unknown][] = [
        [['state', 'human', 'affect'], 'happy'], [['state', 'human', 'consent'], 'yes'], [['state', 'human', 'clarity'], -1],
        [['state', 'human', 'pressure'], 101], [['state', 'extra'], {}]
      ]
      for (const [path, bad] of cases) expectEnvelopeError(mutated('HCP_INTENT', (v) => { setAt(v, path, bad) }), 'schema', pointer(path))
    })

    it('validateEnvelope() rejects a LIP envelope with a missing or bad source', () => {
      expectEnvelopeError(mutated('LIP_FETCH', (v) => { deleteAt(v, ['source']) }), 'schema', '/source')
      const cases: [Path, unknown][] = [
        [['source', 'uri'], 'not a uri'], [['source', 'trust_tier'], 'trusted'], [['source', 'retrieved_at'], 'yesterday']
      ]
      for (const [path, bad] of cases) expectEnvelopeError(mutated('LIP_FETCH', (v) => { setAt(v, path, bad) }), 'schema', pointer(path))
    })

    it('validateEnvelope() rejects bad mesh header members', () => {
      const cases: [Path, unknown][] = [
        [['id'], 'not-a-uuid'], [['origin'], '*'], [['destination'], 'x'], [['hops'], 'x'], [['hops', 0], '*'],
        [['hops'], Array.from({ length: 65 }, () => FINGERPRINT_C)], [['created_at'], 1]
      ]
      for (const [path, bad] of cases) expectEnvelopeError(mutated('SERVICE_INVOKE', (v) => { setAt(v, path, bad) }), 'schema', pointer(path))
      validateEnvelope(mutated('SERVICE_INVOKE', (v) => { v.hops = Array.from({ length: 64 }, () => FINGERPRINT_C) }))
    })

    it('validateEnvelope() accepts a broadcast receiver and destination, and refuses a half broadcast', () => {
      validateEnvelope(mutated('SERVICE_INVOKE', (v) => {
        v.receiver = { agent_id: '*', fingerprint: '*' }
        v.destination = '*'
      }))
      expectEnvelopeError(mutated('INTENT', (v) => { v.receiver = { agent_id: 'bob', fingerprint: '*' } }), 'schema', '/receiver/agent_id')
    })

    it('validateEnvelope() accepts RFC 3339 offsets and nanoseconds, and sources that are URIs only', () => {
      validateEnvelope(mutated('INTENT', (v) => { v.timestamp = '2026-11-26T13:00:00.123456789+01:00' }))
      validateEnvelope(mutated('FACT_PROPOSE', (v) => { setAt(v, ['payload', 'fact', 'sources'], ['urn:isbn:0451450523', 'ipfs://bafy']) }))
      expectPayloadError(mutated('FACT_PROPOSE', (v) => { setAt(v, ['payload', 'fact', 'sources', 0], 'example.org') }), '/payload/fact/sources/0')
    })

    it('validateEnvelope() requires a FACT_CONFIRM to confirm and a FACT_REJECT to reject', () => {
      expectPayloadError(mutated('FACT_CONFIRM', (v) => { setAt(v, ['payload', 'decision'], 'reject') }), '/payload/decision')
      expectPayloadError(mutated('FACT_REJECT', (v) => { setAt(v, ['payload', 'decision'], 'confirm') }), '/payload/decision')
    })

    it('validateEnvelope() accepts any JSON as a SERVICE_INVOKE input', () => {
      for (const input of [null, 0, 'x', [], { a: { b: [1, 'c'] } }]) validateEnvelope(mutated('SERVICE_INVOKE', (v) => { setAt(v, ['payload', 'input'], input) }))
    })
  })

  describe('mesh receipts', () => {
    const ERROR = { name: 'DeliveryTimeoutError', reason: 'timeout', message: 'Cannot deliver: timed out' }
    const receipt = (change: (payload: Json) => void): Json => mutated('MESH_RECEIPT', (v) => { change(v.payload as Json) })
    const delivered = (change: (payload: Json) => void = () => undefined): Json => receipt((p) => {
      p.status = 'delivered'
      Reflect.deleteProperty(p, 'error')
      change(p)
    })

    it('validateEnvelope() accepts a delivery without a result, and with any JSON result', () => {
      validateEnvelope(delivered())
      for (const result of [null, 0, 'x', [], { a: { b: [1, 'c'] } }]) validateEnvelope(delivered((p) => { p.result = result }))
    })

    it('validateEnvelope() requires an error on a failure and refuses one on a delivery', () => {
      expectPayloadError(receipt((p) => { Reflect.deleteProperty(p, 'error') }), '/payload/error')
      expectPayloadError(delivered((p) => { p.error = ERROR }), '/payload/error')
      validateEnvelope(receipt((p) => { p.error = ERROR }))
    })

    it('validateEnvelope() refuses a result on a failure', () => {
      for (const result of [null, 1, { ok: true }]) expectPayloadError(receipt((p) => { p.result = result }), '/payload/result')
    })

    it('validateEnvelope() refuses bad carrier ids, hop lists and error names or reasons', () => {
      const cases: [Path, unknown][] = [
        [['for_id'], 'not-a-uuid'], [['for_msg_id'], MSG_ID.toUpperCase()], [['hops', 0], '*'],
        [['hops'], Array.from({ length: 65 }, () => FINGERPRINT_C)], [['error', 'name'], 'No Route'], [['error', 'name'], ''],
        [['error', 'reason'], 'NoPath'], [['error', 'reason'], ''], [['error', 'message'], 'x'.repeat(1025)]
      ]
      for (const [path, bad] of cases) expectPayloadError(receipt((p) => { setAt(p, path, bad) }), `/payload${pointer(path)}`)
      validateEnvelope(receipt((p) => { p.hops = Array.from({ length: 64 }, () => FINGERPRINT_C) }))
      validateEnvelope(receipt((p) => { p.hops = [] }))
    })

    it('validatePayload() checks a receipt as its own payload, not as a carrier', () => {
      validatePayload('MESH_RECEIPT', structuredClone(PAYLOADS.MESH_RECEIPT))
      expectError(() => { validatePayload('MESH_RECEIPT', { body: bodyEnvelope('HELLO') }) }, 'PayloadSchemaError', 'schema', '/for_id')
      expectError(() => { validatePayload('MESH_RECEIPT', {}, { family: 'cip' }) }, 'InvalidEnvelopeError', 'unknown_type')
    })
  })

  describe('mesh carriers', () => {
    it('validateEnvelope() rejects a carrier whose body type differs from its own', () => {
      expectEnvelopeError(carrier('INTENT', 'FACT_PROPOSE'), 'body_type', '/payload/body/type')
      expectEnvelopeError(carrier('MESH_HELLO', 'INTENT'), 'body_type', '/payload/body/type')
      expectEnvelopeError(carrier('MESH_HELLO', 'HCP_HELLO'), 'body_type', '/payload/body/type')
      expectEnvelopeError(carrier('HELLO', 'HCP_HELLO'), 'body_type', '/payload/body/type')
    })

    it('validateEnvelope() rejects a missing, non-object or mesh body', () => {
      expectPayloadError(mutated('MESH_HELLO', (v) => { v.payload = {} }), '/payload/body')
      for (const body of [null, 'x', [], 3]) expectPayloadError(mutated('MESH_HELLO', (v) => { v.payload = { body } }), '/payload/body')
      const nested = meshEnvelope('INTENT', { body: example('mesh carrier of INTENT') })
      expectEnvelopeError(nested, 'version', '/payload/body/mesh')
    })

    it('validateEnvelope() checks the body as an envelope of its own', () => {
      const bad = (path: Path, value: unknown): Json => mutated('mesh carrier of FACT_PROPOSE', (v) => { setAt(v, ['payload', 'body', ...path], value) })
      expectEnvelopeError(bad(['cip'], '2.0'), 'version', '/payload/body/cip')
      expectEnvelopeError(bad(['type'], 'NOPE'), 'unknown_type', '/payload/body/type')
      expectEnvelopeError(bad(['sender', 'fingerprint'], 'x'), 'schema', '/payload/body/sender/fingerprint')
      expectEnvelopeError(bad(['msg_id'], 'x'), 'schema', '/payload/body/msg_id')
      expectPayloadError(bad(['payload', 'fact', 'confidence'], 2), '/payload/body/payload/fact/confidence')
      expectPayloadError(mutated('mesh carrier of INTENT', (v) => { setAt(v, ['payload', 'extra'], 1) }), '/payload/extra')
    })
  })

  describe('hostile input', () => {
    it('validateEnvelope() rejects values that are not plain objects', () => {
      for (const value of [null, undefined, 0, 'x', [], [example('INTENT')], new Map(), new Date(0), Object.create({ cip: '1.0' })]) {
        expectEnvelopeError(value, 'not_object')
      }
    })

    it('validateEnvelope() wraps values that throw when read', () => {
      const throwing = new Proxy(example('INTENT'), { get () { throw new Error('boom') } })
      expectEnvelopeError(throwing, 'unreadable')
      const trap = new Proxy({}, { getPrototypeOf () { throw new Error('boom') } })
      expectEnvelopeError(trap, 'unreadable')
    })

    it('validateEnvelope() rejects a cyclic SERVICE_INVOKE input and a huge object', () => {
      const cyclic = example('SERVICE_INVOKE')
      const input: Json = {}
      input.self = input
      setAt(cyclic, ['payload', 'input'], input)
      expectPayloadError(cyclic)
      const huge = example('INTENT')
      for (let i = 0; i < 100_000; i++) huge[`k${i}`] = i
      expectEnvelopeError(huge, 'schema')
    })
  })
})

describe('validatePayload()', () => {
  it('validatePayload() accepts every example payload', () => {
    for (const [type, payload] of Object.entries(PAYLOADS)) validatePayload(type, structuredClone(payload))
    validatePayload('MESH_HELLO', { body: bodyEnvelope('HELLO') })
    validatePayload('LIP_FETCH', { body: bodyEnvelope('LIP_FETCH') }, { family: 'mesh' })
  })

  it('validatePayload() rejects an unknown type', () => {
    for (const type of ['NOPE', '', 'hello']) expectError(() => { validatePayload(type, {}) }, 'InvalidEnvelopeError', 'unknown_type')
    expectError(() => { validatePayload('MESH_HELLO', {}, { family: 'cip' }) }, 'InvalidEnvelopeError', 'unknown_type')
  })

  it('validatePayload() reports fields relative to the payload', () => {
    expectError(() => { validatePayload('INTENT', { ...PAYLOADS.INTENT, goal: 'x' }) }, 'PayloadSchemaError', 'schema', '/goal')
    expectError(() => { validatePayload('INTENT', null) }, 'PayloadSchemaError', 'schema', '')
    expectError(() => { validatePayload('INTENT', { body: bodyEnvelope('HELLO') }, { family: 'mesh' }) }, 'InvalidEnvelopeError', 'body_type', '/body/type')
    expectError(() => { validatePayload('MESH_HELLO', { body: 1 }) }, 'PayloadSchemaError', 'schema', '/body')
  })
})

describe('schemas/', () => {
  const root = new URL('../../../schemas/', import.meta.url)
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.schema.json'))

  it('every schema file declares draft 2020-12 and an $id that names its path', () => {
    // 34 of them are this module's; other modules may add their own (the LSA's).
    const names = files.map((file) => file.replaceAll('\\', '/'))
    assert.ok(names.length >= 34, `${names.length} schema files`)
    for (const name of ['common/defs.schema.json', 'mesh/envelope.schema.json', 'mesh/receipt.schema.json']) assert.ok(names.includes(name), name)
    for (const file of files) {
      const schema = JSON.parse(readFileSync(new URL(file, root), 'utf8')) as Json
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', file)
      assert.equal(schema.$id, `https://web4-mesh.dev/schemas/${file.replaceAll('\\', '/')}`, file)
    }
  })

  it('every object schema with properties forbids additional properties', () => {
    for (const file of files) {
      const schema: unknown = JSON.parse(readFileSync(new URL(file, root), 'utf8'))
      for (const path of [[], ...pathsOf(schema)]) {
        const node = getAt(schema, path) as Json | null
        if (typeof node !== 'object' || node === null || node.type !== 'object' || !('properties' in node)) continue
        assert.equal(node.additionalProperties, false, `${file}#${pointer(path)}`)
      }
    }
  })
})

describe('validateEnvelope() properties', () => {
  const isTyped = (err: unknown): boolean =>
    err instanceof Error && (err.name === 'InvalidEnvelopeError' || err.name === 'PayloadSchemaError')
  const outcome = (value: unknown): boolean => {
    try {
      return validateEnvelope(value) === value
    } catch (err) {
      return isTyped(err)
    }
  }
  const names = [...EXAMPLES.keys()]

  it('validateEnvelope() returns or throws a typed error for any value', () => {
    const anything = fc.anything({
      withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true,
      withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true
    })
    fc.assert(fc.property(fc.oneof(anything, fc.jsonValue()), (value) => outcome(value)), { seed: SEED, numRuns: 300 })
  })

  it('validateEnvelope() returns or throws a typed error for any mutation of a valid envelope', () => {
    const mutation = fc.record({
      name: fc.constantFrom(...names),
      at: fc.nat(),
      op: fc.constantFrom('replace', 'delete', 'add'),
      value: fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withBigInt: true }))
    })
    fc.assert(fc.property(mutation, ({ name, at, op, value }) => {
      const envelope = example(name)
      const paths = pathsOf(envelope)
      const path = paths[at % paths.length]!
      if (op === 'delete') deleteAt(envelope, path)
      else if (op === 'replace') setAt(envelope, path, value)
      else {
        const target = getAt(envelope, path.slice(0, -1))
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) setAt(envelope, [...path.slice(0, -1), 'extra'], value)
      }
      return outcome(envelope)
    }), { seed: SEED, numRuns: 300 })
  })

  it('validateEnvelope() throws PayloadSchemaError when a payload member changes JSON type', () => {
    const targets = [...BODY_TYPES, 'MESH_RECEIPT' as const].flatMap((type) => pathsOf(PAYLOADS[type]).map((path): [PayloadType, Path] => [type, path]))
    fc.assert(fc.property(fc.constantFrom(...targets), fc.jsonValue(), ([type, path], value) => {
      const original = getAt(PAYLOADS[type], path)
      const kind = (v: unknown): string => Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v
      fc.pre(kind(value) !== kind(original))
      const envelope = example(type)
      setAt(envelope, ['payload', ...path], value)
      try {
        validateEnvelope(envelope)
        return false
      } catch (err) {
        return err instanceof Error && err.name === 'PayloadSchemaError'
      }
    }), { seed: SEED, numRuns: 300 })
  })
})

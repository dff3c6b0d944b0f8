import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import type { LinkInfo } from '../../../transport/link-transport.ts'
import { carrierOf, cipEnvelope, DIRECT, MESH } from '../../protocol-router/fixtures.test.ts'
import { recorder } from '../../protocol-router/fixtures.test.ts'
import { createHelloHandler } from './hello.ts'

describe('createHelloHandler()', () => {
  test('HELLO handler hands a direct HELLO and its link to the handshake', () => {
    const onDirectHello = recorder<[LinkInfo, CipEnvelope<'HELLO'>]>()
    const hello = cipEnvelope('HELLO')
    assert.equal(createHelloHandler({ onDirectHello })(hello, DIRECT), undefined)
    assert.deepEqual(onDirectHello.calls, [[DIRECT.link, hello]])
  })

  test('HELLO handler refuses a bare HELLO delivered by the mesh with InvalidEnvelopeError hello_via_mesh', () => {
    const onDirectHello = recorder<[LinkInfo, CipEnvelope<'HELLO'>]>()
    const hello = cipEnvelope('HELLO')
    for (const context of [MESH, { ...MESH, carrier: carrierOf(hello) }]) {
      assert.throws(() => createHelloHandler({ onDirectHello })(hello, context), (err: unknown) =>
        err instanceof InvalidEnvelopeError && err.reason === 'hello_via_mesh' && err.msgId === hello.msg_id && /MESH_HELLO/.test(err.message))
    }
    assert.equal(onDirectHello.calls.length, 0)
  })
})

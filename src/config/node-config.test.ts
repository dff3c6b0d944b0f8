import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultNodeConfig, isAgentId, parseHostPort, parseNodeConfig } from './node-config.ts'

const FP = 'ab'.repeat(32)

describe('parseNodeConfig()', () => {
  it('reads a full config and freezes it', () => {
    const config = parseNodeConfig(JSON.stringify({
      version: 1, agent_id: 'alice', listen: ['/ip4/127.0.0.1/tcp/0'], peers: ['/ip4/127.0.0.1/tcp/4701'], admin: '127.0.0.1:0', trusted_fingerprints: [FP]
    }))
    assert.equal(config.agent_id, 'alice')
    assert.deepEqual(config.trusted_fingerprints, [FP])
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.listen))
  })

  it('fills missing lists and admin address with defaults', () => {
    const config = parseNodeConfig('{"version":1,"agent_id":"bob"}')
    assert.deepEqual(config.peers, [])
    assert.equal(config.admin, '127.0.0.1:4702')
  })

  it('names the invalid field in a RangeError', () => {
    const cases: Array<[unknown, string]> = [
      [{ version: 2, agent_id: 'a' }, 'version'],
      [{ version: 1, agent_id: '' }, 'agent_id'],
      [{ version: 1, agent_id: 'a b' }, 'agent_id'],
      [{ version: 1, agent_id: 'a', listen: 'x' }, 'listen'],
      [{ version: 1, agent_id: 'a', listen: ['tcp://x'] }, 'listen'],
      [{ version: 1, agent_id: 'a', admin: 'localhost' }, 'admin'],
      [{ version: 1, agent_id: 'a', trusted_fingerprints: ['AB'.repeat(32)] }, 'trusted_fingerprints'],
      [{ version: 1, agent_id: 'a', extra: true }, 'extra']
    ]
    for (const [value, field] of cases) {
      assert.throws(() => parseNodeConfig(JSON.stringify(value)), (err: Error) => err instanceof RangeError && err.message.includes(`"${field}"`), field)
    }
  })

  it('refuses hostile JSON through the hardened intake', () => {
    assert.throws(() => parseNodeConfig('{"version":1,"agent_id":"a","__proto__":{}}'), { name: 'InvalidEnvelopeError' })
    assert.throws(() => parseNodeConfig('[]'), RangeError)
  })
})

describe('defaultNodeConfig()', () => {
  it('uses the DESIGN §4 defaults', () => {
    const config = defaultNodeConfig('carol')
    assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/4701'])
    assert.equal(config.admin, '127.0.0.1:4702')
  })
})

describe('parseHostPort()', () => {
  it('reads IPv4, names and bracketed IPv6 and refuses the rest', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:4702'), { host: '127.0.0.1', port: 4702 })
    assert.deepEqual(parseHostPort('[::1]:0'), { host: '::1', port: 0 })
    assert.equal(parseHostPort('::1:80'), undefined)
    assert.equal(parseHostPort('host:65536'), undefined)
  })
})

describe('isAgentId()', () => {
  it('accepts names with letters in any script and refuses spaces and control characters', () => {
    assert.ok(isAgentId('агент-7'))
    assert.ok(!isAgentId('a\nb'))
    assert.ok(!isAgentId('x'.repeat(129)))
  })
})

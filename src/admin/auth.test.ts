import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { allowedHosts, isLoopbackHost, isTokenValid } from './auth.ts'

describe('admin auth', () => {
  it('isLoopbackHost() accepts 127.0.0.0/8, ::1 and localhost only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.ok(isLoopbackHost(host), host)
    for (const host of ['0.0.0.0', '10.0.0.1', '::', 'example.org', '128.0.0.1', '']) assert.ok(!isLoopbackHost(host), host)
  })

  it('allowedHosts() names the bound host and the loopback names with the port', () => {
    assert.deepEqual([...allowedHosts('127.0.0.1', 4702)].sort(), ['127.0.0.1:4702', '[::1]:4702', 'localhost:4702'])
    assert.ok(allowedHosts('::1', 9).has('[::1]:9'))
  })

  it('isTokenValid() needs the exact bearer token', () => {
    const token = 'ab'.repeat(32)
    assert.ok(isTokenValid(`Bearer ${token}`, token))
    for (const header of [undefined, '', token, `bearer ${token}`, `Bearer ${token}x`, `Bearer  ${token}`, `Bearer ${token.slice(1)}`, 'Basic Zm9v']) {
      assert.ok(!isTokenValid(header, token), String(header))
    }
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isRouteKey, ROUTE_KEYS } from './route-table.ts'

describe('isRouteKey()', () => {
  test('isRouteKey() is true for every route and false for anything else', () => {
    for (const key of ROUTE_KEYS) assert.equal(isRouteKey(key), true, key)
    for (const key of ['cip.HCP_HELLO', 'mesh.INTENT', 'hcp.HELLO', 'cip.hello', 'cip', '', 'unknown.HELLO']) assert.equal(isRouteKey(key), false, key)
  })

  test('ROUTE_KEYS is frozen', () => {
    assert.ok(Object.isFrozen(ROUTE_KEYS))
  })
})

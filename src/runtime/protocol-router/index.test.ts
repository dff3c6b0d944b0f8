import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as protocolRouter from './index.ts'

test('protocol-router/index.ts exports the curated ProtocolRouter surface', () => {
  assert.deepEqual(Object.keys(protocolRouter).sort(), ['DISPATCH_RESULTS', 'ROUTE_KEYS', 'createProtocolRouter', 'isRouteKey'])
  assert.deepEqual([...protocolRouter.DISPATCH_RESULTS], ['ok', 'error', 'unrouted'])
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as errors from './errors.ts'
import { ambiguousAgentIdError, ERROR_TABLE, INTERNAL_ERROR_REPORT, isWeb4Error, NoRouteError, reportError, Web4Error } from './errors.ts'

type ErrorClass = new (message: string, details?: errors.Web4ErrorDetails) => Web4Error
const classes: ErrorClass[] = (Object.values(errors) as unknown[]).filter((value): value is ErrorClass =>
  typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Web4Error)

describe('the error vocabulary', () => {
  it('has one class per table row (SPEC §4 names and the routing errors), each with name equal to the class name', () => {
    assert.deepEqual(classes.map((ErrorClass) => ErrorClass.name).sort(), Object.keys(ERROR_TABLE).sort())
    for (const ErrorClass of classes) assert.equal(new ErrorClass('x').name, ErrorClass.name)
  })

  it('maps every error to a distinct exit code and metric label, none of them 0, 1 or 2', () => {
    const rows = Object.values(ERROR_TABLE)
    assert.equal(new Set(rows.map((row) => row.exitCode)).size, rows.length)
    assert.equal(new Set(rows.map((row) => row.metricLabel)).size, rows.length)
    for (const row of rows) {
      assert.ok(row.exitCode > 2 && row.exitCode < 64, `exit code ${row.exitCode}`)
      assert.ok(row.httpStatus >= 400 && row.httpStatus < 600)
      assert.match(row.metricLabel, /^[a-z_]+$/)
      assert.match(row.dropReason, /^[a-z_]+$/)
    }
  })

  it('carries structured details and the cause', () => {
    const cause = new Error('inner')
    const err = new errors.ReplayError('Cannot accept message "m": seen', { reason: 'replay', msgId: 'm', fingerprint: 'f', limit: 3, retryAfterMs: 10, cause })
    assert.deepEqual([err.reason, err.msgId, err.fingerprint, err.limit, err.retryAfterMs, err.cause], ['replay', 'm', 'f', 3, 10, cause])
    assert.equal(new errors.TransportError('x').reason, 'unspecified')
  })

  it('maps the routing errors to exit codes 12 and 13, HTTP 404 and 504, and their own drop reasons', () => {
    assert.deepEqual(ERROR_TABLE.NoRouteError, { dropReason: 'no_route', metricLabel: 'no_route', httpStatus: 404, exitCode: 12 })
    assert.deepEqual(ERROR_TABLE.DeliveryTimeoutError, { dropReason: 'delivery_timeout', metricLabel: 'delivery_timeout', httpStatus: 504, exitCode: 13 })
    assert.equal(reportError(new errors.DeliveryTimeoutError('x', { reason: 'timeout', limit: 10_000 })).exitCode, 13)
    assert.deepEqual([...errors.NO_ROUTE_REASONS], ['unknown_destination', 'no_path', 'ambiguous_agent_id'])
  })

  it('ambiguousAgentIdError() names every candidate fingerprint in its message and carries them sorted', () => {
    const [a, b] = ['b'.repeat(64), 'a'.repeat(64)] as const
    const err = ambiguousAgentIdError('bob', [a, b])
    assert.ok(err instanceof NoRouteError)
    assert.equal(err.reason, 'ambiguous_agent_id')
    assert.deepEqual(err.candidates, [b, a])
    assert.ok(Object.isFrozen(err.candidates))
    for (const fingerprint of [a, b]) assert.ok(err.message.includes(`"${fingerprint}"`), err.message)
    assert.equal(new NoRouteError('x', { reason: 'no_path' }).candidates, undefined)
  })

  it('reportError() gives the row of a typed error and the internal row otherwise', () => {
    assert.equal(reportError(new errors.BackpressureError('x')).httpStatus, 429)
    assert.equal(reportError(new TypeError('x')), INTERNAL_ERROR_REPORT)
    assert.equal(reportError('not an error'), INTERNAL_ERROR_REPORT)
    assert.ok(isWeb4Error(new errors.HandshakeError('x')))
    assert.ok(!isWeb4Error(Object.assign(new Error('x'), { name: 'HandshakeError' })))
  })
})

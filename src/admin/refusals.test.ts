import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SILENT_LOGGER } from '../observability/logger.ts'
import type { Logger } from '../observability/logger.ts'
import { createCountingMetrics } from '../observability/metrics.ts'
import { createAdminRefusals, isRefusal, pathForLog, refusalLabel } from './refusals.ts'

describe('admin refusals', () => {
  it('refusalLabel() gives the error table\'s label, the admin label, or bad_request for a name it does not know', () => {
    assert.equal(refusalLabel('SignatureMismatchError'), 'signature_mismatch')
    assert.equal(refusalLabel('PayloadSchemaError'), 'payload_schema')
    assert.equal(refusalLabel('NotFound'), 'not_found')
    assert.equal(refusalLabel('RequestHeaderFieldsTooLarge'), 'header_too_large')
    assert.equal(refusalLabel('toString'), 'bad_request', 'no inherited name becomes a label')
    assert.equal(refusalLabel('SomethingElse'), 'bad_request')
  })

  it('isRefusal() is true for 4xx only', () => {
    assert.deepEqual([200, 302, 400, 421, 499, 500, 504].map(isRefusal), [false, false, true, true, true, false, false])
  })

  it('pathForLog() drops the query and cuts long paths', () => {
    assert.equal(pathForLog('/v1/claims?token=secret'), '/v1/claims')
    assert.equal(pathForLog(undefined), '')
    assert.equal(pathForLog(`/${'x'.repeat(500)}`).length, 200)
  })

  it('record() counts one web4_bad_input_total{channel="admin"} and logs one info line per refusal', () => {
    const metrics = createCountingMetrics()
    const lines: Array<[Record<string, unknown>, string | undefined]> = []
    const logger: Logger = { ...SILENT_LOGGER, info: (fields, message) => { lines.push([fields, message]) } }
    const refusals = createAdminRefusals({ metrics, logger })
    refusals.record({ status: 401, error: 'Unauthorized', method: 'GET', path: '/v1/node' })
    refusals.record({ status: 401, error: 'Unauthorized', method: 'POST', path: '/v1/claims' })
    refusals.record({ status: 422, error: 'PayloadSchemaError', reason: 'schema', method: 'POST', path: '/v1/messages' })
    assert.equal(metrics.value('web4_bad_input_total', { channel: 'admin', error: 'unauthorized' }), 2)
    assert.equal(metrics.value('web4_bad_input_total', { channel: 'admin', error: 'payload_schema' }), 1)
    assert.deepEqual(lines.map(([fields, message]) => [fields.status, fields.error, message]), [
      [401, 'Unauthorized', 'admin request refused'], [401, 'Unauthorized', 'admin request refused'], [422, 'PayloadSchemaError', 'admin request refused']
    ])
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { AGENT_LOOP_EVENTS, isAgentLoopEventName } from './agent-loop-events.ts'

describe('isAgentLoopEventName()', () => {
  test('isAgentLoopEventName() is true for every AgentLoop event and nothing else', () => {
    for (const name of AGENT_LOOP_EVENTS) assert.equal(isAgentLoopEventName(name), true, name)
    for (const name of ['message', 'constructor', '__proto__', 'toString', '', 42, undefined]) assert.equal(isAgentLoopEventName(name), false, String(name))
  })

  test('AGENT_LOOP_EVENTS is frozen', () => {
    assert.ok(Object.isFrozen(AGENT_LOOP_EVENTS))
  })
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as agentLoop from './index.ts'

test('agent-loop/index.ts exports the curated AgentLoop surface', () => {
  assert.deepEqual(Object.keys(agentLoop).sort(), ['AGENT_LOOP_EVENTS', 'createAgentLoop', 'isAgentLoopEventName', 'noticeOfMeshEvent'])
})

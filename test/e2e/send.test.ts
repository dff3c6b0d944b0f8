/**
 * E2E (issue #4 "Done when"): a user routes a message across a 3-node line of
 * `web4mesh start` processes with `web4mesh send` and sees the hops; failures are one
 * line with the error table's exit code.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createDataDir, freePort, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { runCli } from '../helpers/run-cli.ts'
import { waitFor } from '../helpers/wait-for.ts'

let root: string
let a: NodeProcess
let b: NodeProcess
let c: NodeProcess
const PAYLOAD = JSON.stringify({ goal: 'ask', topic: 'hello across the mesh', priority: 'normal', context: 'e2e' })

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-send-'))
  a = await startNodeProcess({ dataDir: await createDataDir(root, 'ann'), port: await freePort() })
  b = await startNodeProcess({ dataDir: await createDataDir(root, 'bob'), port: await freePort(), peers: [a.address] })
  c = await startNodeProcess({ dataDir: await createDataDir(root, 'cat'), port: await freePort(), peers: [b.address] })
  await waitFor(async () => {
    const routes = await a.get('/v1/routes') as Array<{ destination: string, next_hop: string }>
    return routes.some((route) => route.destination === c.info.fingerprint && route.next_hop === b.info.fingerprint)
  }, { timeoutMs: 20_000, what: 'a route from ann to cat via bob' })
})
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

describe('web4mesh send', { timeout: 60_000 }, () => {
  it('routes ann → cat through bob and prints the hops', async () => {
    const run = await runCli(['send', '--data', a.options.dataDir, '--to', 'cat', '--type', 'INTENT', '--payload', PAYLOAD])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^delivered to cat in [\d.]+ ms via bob → cat\n$/)
    const json = await runCli(['send', '--data', a.options.dataDir, '--to', c.info.fingerprint, '--type', 'INTENT', '--payload', PAYLOAD, '--json'])
    assert.equal(json.code, 0, json.stderr)
    const receipt = JSON.parse(json.stdout) as { to: string, hops: string[], rtt_ms: number }
    assert.deepEqual(receipt.hops, [b.info.fingerprint, c.info.fingerprint])
    assert.equal(receipt.to, c.info.fingerprint)
  })

  it('fails with one line and the error table\'s exit code', async () => {
    const unknown = await runCli(['send', '--data', a.options.dataDir, '--to', 'nobody', '--type', 'INTENT', '--payload', PAYLOAD])
    assert.equal(unknown.code, 12)
    assert.match(unknown.stderr.trim(), /^web4mesh: NoRouteError: [^\n]*\(reason: unknown_destination\)$/)
    const badPayload = await runCli(['send', '--data', a.options.dataDir, '--to', 'cat', '--type', 'INTENT', '--payload', '{"goal":"dance"}'])
    assert.equal(badPayload.code, 4)
    assert.match(badPayload.stderr.trim(), /^web4mesh: PayloadSchemaError: /)
    const badJson = await runCli(['send', '--data', a.options.dataDir, '--to', 'cat', '--type', 'INTENT', '--payload', '{'])
    assert.equal(badJson.code, 2)
    const noNode = await runCli(['send', '--data', join(root, 'nothing-here'), '--to', 'cat', '--type', 'INTENT', '--payload', PAYLOAD])
    assert.equal(noNode.code, 1)
    assert.match(noNode.stderr.trim(), /^web4mesh: No node is running for /)
  })
})

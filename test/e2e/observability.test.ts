/**
 * E2E (issue #6): three `web4mesh start` processes in a line (ann — bob — cat). `/metrics`
 * parses as Prometheus text and counts probing peers; `web4mesh topology` describes the
 * line in every format; `web4mesh inspect` shows peers and routes (cat via bob); every
 * `/v1` route refuses a missing or wrong token and a foreign Host, `/metrics` only the
 * foreign Host; `GET /v1/events?follow=1` streams the `session_close` of a node that stops.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { NetJsonNetworkGraph, TopologyGraph } from '../../src/mesh/observability/index.ts'
import { createDataDir, freePort, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { EventJson, NodeProcess } from '../helpers/node-process.ts'
import { parsePrometheusText } from '../helpers/prometheus-text.ts'
import { runCli } from '../helpers/run-cli.ts'
import { waitFor } from '../helpers/wait-for.ts'

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url))

let root: string
let a: NodeProcess
let b: NodeProcess
let c: NodeProcess

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-observability-'))
  a = await startNodeProcess({ dataDir: await createDataDir(root, 'ann'), port: await freePort() })
  b = await startNodeProcess({ dataDir: await createDataDir(root, 'bob'), port: await freePort(), peers: [a.address] })
  c = await startNodeProcess({ dataDir: await createDataDir(root, 'cat'), port: await freePort(), peers: [b.address] })
  await waitFor(async () => {
    const routes = await a.get('/v1/routes') as Array<{ destination: string, next_hop: string }>
    const peers = await a.get('/v1/peers') as Array<{ fingerprint: string, trust: string }>
    const graph = await a.get('/v1/topology') as TopologyGraph
    return routes.some((route) => route.destination === c.info.fingerprint && route.next_hop === b.info.fingerprint)
      && [b, c].every((node) => peers.some((peer) => peer.fingerprint === node.info.fingerprint && peer.trust === 'probing'))
      && graph.nodes.length === 3 && graph.edges.filter((edge) => edge.state === 'active').length === 2
  }, { timeoutMs: 30_000, what: 'ann to know the whole line, with cat via bob' })
})
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

/** One raw HTTP request (fetch will not forge Host); resolves with the status. */
async function statusOf (url: string, options: { method?: string, headers?: Record<string, string> } = {}): Promise<number | undefined> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      response.resume()
      resolve(response.statusCode)
    })
    req.on('error', reject)
    req.end(options.method === 'POST' ? '{}' : undefined)
  })
}

async function runScript (name: string, args: readonly string[]): Promise<{ code: number, stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(SCRIPTS, name), ...args], { timeout: 20_000 })
    return { code: 0, stdout }
  } catch (err) {
    return { code: (err as { code?: number }).code ?? -1, stdout: (err as { stdout?: string }).stdout ?? '' }
  }
}

describe('observability of a 3-node line', { timeout: 120_000 }, () => {
  it('GET /metrics parses on every node and counts probing peers, with no fingerprint as a label', async () => {
    for (const node of [a, b, c]) {
      const response = await fetch(`${node.info.admin_url}/metrics`)
      assert.equal(response.status, 200)
      const families = parsePrometheusText(await response.text())
      for (const family of families) {
        assert.match(family.name, /^web4_|^process_|^nodejs_/)
        assert.ok(family.help !== undefined && family.type !== undefined, `${family.name} has HELP and TYPE`)
        for (const sample of family.samples) {
          for (const value of Object.values(sample.labels)) assert.doesNotMatch(value, /^[0-9a-f]{64}$/, `${sample.name} has a fingerprint label`)
        }
      }
      const probing = families.find((family) => family.name === 'web4_peers')?.samples.find((sample) => sample.labels.trust === 'probing')
      assert.ok(probing !== undefined && probing.value >= 1, `${node.info.agent_id} counts a probing peer`)
      assert.ok(families.some((family) => family.name === 'web4_link_rtt_ms' && family.samples.length === 3))
    }
  })

  it('web4mesh topology describes the line in every format', async () => {
    const [ann, bob, cat] = [a.info.fingerprint, b.info.fingerprint, c.info.fingerprint]
    const topology = async (format: string): Promise<string> => {
      const run = await runCli(['topology', '--data', a.options.dataDir, '--format', format])
      assert.equal(run.code, 0, run.stderr)
      return run.stdout
    }
    const graph = JSON.parse(await topology('json')) as TopologyGraph
    assert.deepEqual(graph.nodes.map((node) => [node.id, node.metadata.agent_id, node.metadata.is_self]), [[ann, 'ann', true], [bob, 'bob', false], [cat, 'cat', false]])
    assert.deepEqual(graph.edges.map((edge) => [edge.source, edge.target, edge.state]), [[ann, bob, 'active'], [bob, cat, 'active']])
    for (const edge of graph.edges) assert.ok(edge.weight > 0 && edge.metadata.latency_ms === edge.weight)
    const netjson = JSON.parse(await topology('netjson')) as NetJsonNetworkGraph
    assert.deepEqual([netjson.type, netjson.router_id, netjson.nodes.map((node) => node.label)], ['NetworkGraph', ann, ['ann', 'bob', 'cat']])
    assert.deepEqual(netjson.links.map((link) => [link.source, link.target, link.properties.state]), [[ann, bob, 'active'], [bob, cat, 'active']])
    // Graphviz is not installed on the test machines: check the DOT structurally.
    const dot = await topology('dot')
    assert.match(dot, /^graph "web4-mesh" \{\n[\s\S]*\n\}\n$/)
    const edgeLines = dot.split('\n').filter((line) => line.includes(' -- '))
    assert.equal(edgeLines.length, 2)
    assert.match(edgeLines[0] ?? '', new RegExp(`^ {2}"${ann}" -- "${bob}" \\[label="[\\d.]+ ms"\\];$`))
    assert.match(edgeLines[1] ?? '', new RegExp(`^ {2}"${bob}" -- "${cat}" \\[label="[\\d.]+ ms"\\];$`))
    assert.equal(dot.split('\n').filter((line) => /^ {2}"[0-9a-f]{64}" \[label=/.test(line)).length, 3)
    const mermaid = await topology('mermaid')
    assert.deepEqual(mermaid.split('\n').filter((line) => / (---|-\.-)\|/.test(line)).map((line) => line.replace(/\|[^|]+\|/, '|…|')), ['  n0 ---|…| n1', '  n1 ---|…| n2'])
    const ascii = await topology('ascii')
    assert.match(ascii, /^web4-mesh seen by ann \([0-9a-f]{12}\): 3 nodes, 2 active links, 0 inactive\n\* ann /)
    const script = await runScript('web4meshtopology.ts', ['--data', a.options.dataDir, '--format', 'ascii'])
    assert.equal(script.code, 0)
    assert.match(script.stdout, /: 3 nodes, 2 active links, 0 inactive\n/)
  })

  it('web4mesh inspect shows the peers with trust and RTT, and routes direct or via bob with the RTT their deliveries measured', async () => {
    const sent = await runCli(['send', '--data', a.options.dataDir, '--to', 'cat', '--type', 'INTENT', '--payload', '{"goal":"ask","topic":"rtt","priority":"normal","context":""}'])
    assert.equal(sent.code, 0, sent.stderr)
    const run = await runCli(['inspect', '--data', a.options.dataDir])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, new RegExp(`^agent +ann\nfingerprint +${a.info.fingerprint}\n`))
    assert.match(run.stdout, /\npeers \(2\)\nAGENT +FINGERPRINT +TRUST +LINK +RTT P50 MS +RTT P95 MS\n/)
    assert.match(run.stdout, /\nbob +[0-9a-f]{12} +probing +direct (inbound|outbound) +\d+\.\d\d +\d+\.\d\d\n/)
    assert.match(run.stdout, /\ncat +[0-9a-f]{12} +probing +routed +- +-\n/)
    assert.match(run.stdout, /\nroutes \(2\)\n[^\n]+E2E P95 MS\nbob +[0-9a-f]{12} +direct +1 +[\d.]+ +(-|[\d.]+) +(-|[\d.]+)\ncat +[0-9a-f]{12} +via bob +2 +[\d.]+ +[\d.]+ +[\d.]+\n/)
    assert.match(run.stdout, /\nrecent events \(\d+\)\nSEQ +TIME \(UTC\) +TYPE +PEER +DETAILS\n/)
    assert.match(run.stdout, /\nclaims \(0\)\nID +STATUS +DOMAIN +STATEMENT\n/)
    const json = await runCli(['inspect', '--data', a.options.dataDir, '--json', '--events', '5'])
    assert.equal(json.code, 0, json.stderr)
    const inspection = JSON.parse(json.stdout) as { node: { fingerprint: string }, peers: unknown[], routes: Array<{ agent_id: string, is_direct: boolean, next_hop_agent_id: string }>, events: EventJson[] }
    assert.equal(inspection.node.fingerprint, a.info.fingerprint)
    assert.equal(inspection.peers.length, 2)
    assert.deepEqual(inspection.routes.map((route) => [route.agent_id, route.is_direct, route.next_hop_agent_id]).sort(), [['bob', true, 'bob'], ['cat', false, 'bob']])
    assert.equal(inspection.events.length, 5)
    const script = await runScript('web4meshinspect.ts', ['--data', a.options.dataDir, '--json'])
    assert.equal(script.code, 0)
    assert.equal((JSON.parse(script.stdout) as { node: { agent_id: string } }).node.agent_id, 'ann')
  })

  it('every /v1 route refuses a missing or wrong token and a foreign Host; /metrics needs no token but checks Host', async () => {
    const token = (await readFile(join(a.options.dataDir, 'admin.token'), 'utf8')).trim()
    const host = new URL(a.info.admin_url).host
    const routes = [['GET', '/v1/node'], ['GET', '/v1/peers'], ['GET', '/v1/routes'], ['GET', '/v1/topology?format=dot'], ['GET', '/v1/events'], ['GET', '/v1/events?follow=1'], ['POST', '/v1/messages']] as const
    for (const [method, path] of routes) {
      const url = `${a.info.admin_url}${path}`
      assert.equal(await statusOf(url, { method }), 401, `${method} ${path} without a token`)
      assert.equal(await statusOf(url, { method, headers: { authorization: `Bearer ${'0'.repeat(64)}` } }), 401, `${method} ${path} with a wrong token`)
      assert.equal(await statusOf(url, { method, headers: { authorization: `Bearer ${token}`, host: 'attacker.example:80' } }), 421, `${method} ${path} to a foreign Host`)
      assert.equal(await statusOf(url, { method, headers: { authorization: `Bearer ${token}`, host: `localhost:${new URL(a.info.admin_url).port}` } }) === 421, false, `${method} ${path} to localhost`)
    }
    assert.equal(await statusOf(`${a.info.admin_url}/metrics`), 200)
    assert.equal(await statusOf(`${a.info.admin_url}/metrics`, { headers: { host } }), 200)
    assert.equal(await statusOf(`${a.info.admin_url}/metrics`, { headers: { host: 'attacker.example:80' } }), 421)
  })

  it('inspect and topology say in one line that no node runs, and exit 1', async () => {
    for (const command of ['inspect', 'topology']) {
      const run = await runCli([command, '--data', join(root, 'nothing-here')])
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^web4mesh: No node is running for [^\n]+\n$/)
    }
    const badFormat = await runCli(['topology', '--data', a.options.dataDir, '--format', 'svg'])
    assert.equal(badFormat.code, 2)
  })

  it('GET /v1/events?follow=1 streams the session_close when a neighbour stops, and ends when its node stops', async () => {
    const token = (await readFile(join(b.options.dataDir, 'admin.token'), 'utf8')).trim()
    const since = (await b.get('/v1/events?tail=1') as EventJson[])[0]?.seq ?? 0
    let text = ''
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${b.info.admin_url}/v1/events?since=${since}&follow=1`, { headers: { authorization: `Bearer ${token}` }, agent: false }, resolve)
      req.on('error', reject)
      req.end()
    })
    assert.equal(response.headers['content-type'], 'application/x-ndjson; charset=utf-8')
    const ended = new Promise<void>((resolve, reject) => {
      response.on('end', resolve).on('aborted', () => { reject(new Error('stream cut')) }).on('error', reject)
    })
    response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
    const events = (): EventJson[] => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as EventJson)
    assert.equal(await c.kill('SIGTERM'), 0)
    await waitFor(() => events().some((event) => event.event_type === 'session_close' && event.peer === c.info.fingerprint), { timeoutMs: 15_000, what: 'bob\'s session_close for cat' })
    assert.ok(events().every((event) => event.seq > since), 'only events after since')
    assert.equal(await b.kill('SIGTERM'), 0)
    await ended
  })
})

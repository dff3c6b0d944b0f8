/**
 * E2E (issue #3 "Done when"): four nodes started with `web4mesh start`, each given the
 * earlier ones with `--peer`, all show one another in `/v1/peers` as at least probing,
 * with RTT figures; the admin API refuses requests without the token or with a foreign
 * Host; SIGTERM and SIGINT shut a node down cleanly and remove `node.json`.
 */
import assert from 'node:assert/strict'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createDataDir, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { runCli } from '../helpers/run-cli.ts'
import { waitFor } from '../helpers/wait-for.ts'

let root: string
before(async () => { root = await mkdtemp(join(tmpdir(), 'web4mesh-start-')) })
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

async function exists (path: string): Promise<boolean> {
  return await access(path).then(() => true, () => false)
}

describe('web4mesh start', { timeout: 120_000 }, () => {
  it('four nodes, each given the earlier ones, all see one another as probing with RTT', async () => {
    const nodes: NodeProcess[] = []
    for (const name of ['a', 'b', 'c', 'd']) {
      nodes.push(await startNodeProcess({ dataDir: await createDataDir(root, name), port: await freePort(), peers: nodes.map((node) => node.address) }))
    }
    await waitFor(async () => {
      for (const self of nodes) {
        const peers = await peersOf(self)
        const ready = nodes.filter((other) => other !== self).every((other) => {
          const peer = peers.find((candidate) => candidate.fingerprint === other.info.fingerprint)
          return peer !== undefined && ['probing', 'trusted'].includes(peer.trust) && peer.link.is_handshaken && peer.rtt !== null
        })
        if (!ready) return false
      }
      return true
    }, { timeoutMs: 20_000, what: 'four nodes to see one another' })
    const [first] = nodes
    assert.ok(first !== undefined)
    const peers = await peersOf(first)
    assert.deepEqual(peers.map((peer) => peer.agent_id).sort(), ['b', 'c', 'd'])
    for (const peer of peers) assert.ok(peer.rtt !== null && peer.rtt.p50_ms >= 0 && peer.rtt.p95_ms >= peer.rtt.p50_ms)
    const node = await first.get('/v1/node') as { fingerprint: string, agent_id: string }
    assert.deepEqual([node.fingerprint, node.agent_id], [first.info.fingerprint, 'a'])
    for (const self of nodes.slice(1)) {
      assert.equal(await self.kill('SIGTERM'), 0)
      assert.equal(await exists(join(self.options.dataDir, 'node.json')), false)
    }
    assert.equal(await first.kill('SIGINT'), 0)
  })

  it('serves the admin API only with the token and to this server\'s Host', async () => {
    const node = await startNodeProcess({ dataDir: await createDataDir(root, 'admin'), port: await freePort() })
    const url = `${node.info.admin_url}/v1/node`
    assert.equal((await fetch(url)).status, 401)
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401)
    const authorization = `Bearer ${(await readFile(join(node.options.dataDir, 'admin.token'), 'utf8')).trim()}`
    assert.equal((await fetch(url, { headers: { authorization } })).status, 200)
    // fetch will not forge Host; a raw request does.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(url, { headers: { authorization, host: 'attacker.example:80' } }, (response) => {
        response.resume()
        resolve(response.statusCode)
      })
      req.on('error', reject)
      req.end()
    })
    assert.equal(status, 421)
    assert.equal((await fetch(`${node.info.admin_url}/v1/nothing`, { headers: { authorization } })).status, 404)
    assert.equal(await node.kill('SIGTERM'), 0)
  })

  it('fails with one line and a non-zero exit without an initialised data directory or with a bad flag', async () => {
    const missing = await runCli(['start', '--data', join(root, 'missing'), '--listen', '/ip4/127.0.0.1/tcp/0', '--admin', '127.0.0.1:0'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr.trim(), /^web4mesh: Cannot open data directory [^\n]*$/)
    const badTrust = await runCli(['start', '--data', join(root, 'missing'), '--trust', 'xyz'])
    assert.equal(badTrust.code, 2)
    assert.match(badTrust.stderr.trim(), /^web4mesh: Cannot start: --trust "xyz"[^\n]*$/)
    const help = await runCli(['start', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--peer <multiaddr>/)
  })
})

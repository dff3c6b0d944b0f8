/**
 * E2E (DESIGN §4, SPEC §7, §6): knowledge claims and trust through `web4mesh claim` and
 * `web4mesh trust` against three `web4mesh start` processes. ann and bob are pinned roots
 * of cat (`--trust`): a claim cat proposes and both roots confirm is accepted at cat once
 * the 2 s challenge window has closed; a human blacklists a root and lets it out again;
 * every failure is one line with the error table's exit code.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createDataDir, freePort, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { runCli } from '../helpers/run-cli.ts'
import type { CliRun } from '../helpers/run-cli.ts'
import { waitFor } from '../helpers/wait-for.ts'

let root: string
let ann: NodeProcess
let bob: NodeProcess
let cat: NodeProcess
const STATEMENT = 'The admin API answers JSON'

interface ClaimJson {
  id: string
  status: string
  statement: string
  domain: string
  proposer_agent_id: string | null
  trusted_confirmers: number
  first_seen_at: string
  status_since: string
}
interface TrustJson { fingerprint: string, agent_id: string | null, trust: string, is_pinned: boolean, last_transition: { reason: string } | null }

function assertOneLine (run: CliRun, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`)
  const lines = run.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `expected one stderr line, got: ${run.stderr}`)
  assert.match(lines[0] ?? '', pattern)
}

async function claimsAt (node: NodeProcess): Promise<ClaimJson[]> {
  const run = await runCli(['claim', 'list', '--data', node.options.dataDir, '--json'])
  assert.equal(run.code, 0, run.stderr)
  return JSON.parse(run.stdout) as ClaimJson[]
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-knowledge-'))
  ann = await startNodeProcess({ dataDir: await createDataDir(root, 'ann'), port: await freePort() })
  bob = await startNodeProcess({ dataDir: await createDataDir(root, 'bob'), port: await freePort() })
  cat = await startNodeProcess({
    dataDir: await createDataDir(root, 'cat'), port: await freePort(), peers: [ann.address, bob.address], trust: [ann.info.fingerprint, bob.info.fingerprint]
  })
  await waitFor(async () => {
    const routes = await Promise.all([ann, bob].map(async (node) => await node.get('/v1/routes') as Array<{ destination: string }>))
    return routes.every((list) => list.some((route) => route.destination === cat.info.fingerprint))
  }, { timeoutMs: 20_000, what: 'routes from both roots to cat' })
})
after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

describe('web4mesh claim', { timeout: 90_000 }, () => {
  let claimId = ''

  it('propose prints the claim id; the two pinned roots confirm; cat accepts it after the challenge window', async () => {
    const proposed = await runCli(['claim', 'propose', '--data', cat.options.dataDir, '--statement', STATEMENT, '--domain', 'docs', '--source', 'https://example.org/admin', '--context', 'e2e'])
    assert.equal(proposed.code, 0, proposed.stderr)
    assert.match(proposed.stdout, /^[0-9a-f]{64}\n$/)
    claimId = proposed.stdout.trim()
    await waitFor(async () => {
      const seen = await Promise.all([ann, bob].map(async (node) => await node.get('/v1/claims') as ClaimJson[]))
      return seen.every((claims) => claims.some((claim) => claim.id === claimId))
    }, { timeoutMs: 15_000, what: 'the claim at both roots' })
    const byPrefix = await runCli(['claim', 'confirm', '--data', ann.options.dataDir, claimId.slice(0, 12), '--notes', 'read the docs'])
    assert.equal(byPrefix.code, 0, byPrefix.stderr)
    assert.match(byPrefix.stdout, new RegExp(`^confirmed ${claimId} \\(status now \\w+\\)\\n$`))
    const byId = await runCli(['claim', 'confirm', '--data', bob.options.dataDir, claimId, '--json'])
    assert.equal(byId.code, 0, byId.stderr)
    assert.deepEqual({ ...JSON.parse(byId.stdout) as Record<string, unknown>, status: undefined }, { claim_id: claimId, verdict: 'confirm', status: undefined })
    await waitFor(async () => (await claimsAt(cat)).some((claim) => claim.id === claimId && claim.status === 'accepted'), { timeoutMs: 20_000, what: 'the claim accepted at cat' })
    const [accepted] = (await claimsAt(cat)).filter((claim) => claim.id === claimId)
    assert.deepEqual([accepted?.statement, accepted?.domain, accepted?.proposer_agent_id, accepted?.trusted_confirmers], [STATEMENT, 'docs', 'cat', 2])
    const heldBackMs = Date.parse(accepted?.status_since ?? '') - Date.parse(accepted?.first_seen_at ?? '')
    assert.ok(heldBackMs >= 2000, `accepted only after the 2 s challenge window (after ${heldBackMs} ms)`)
  })

  it('list prints a table and filters by status', async () => {
    const table = await runCli(['claim', 'list', '--data', cat.options.dataDir])
    assert.equal(table.code, 0, table.stderr)
    const [header, row] = table.stdout.trimEnd().split('\n')
    assert.match(header ?? '', /^ID\s+STATUS\s+DOMAIN\s+STATEMENT\s+PROPOSER$/)
    assert.match(row ?? '', new RegExp(`^${claimId.slice(0, 12)}\\s+accepted\\s+docs\\s+${STATEMENT}\\s+cat$`))
    const pending = await runCli(['claim', 'list', '--data', cat.options.dataDir, '--status', 'pending', '--json'])
    assert.deepEqual(JSON.parse(pending.stdout), [])
  })

  it('fails with one line and the error table\'s exit code', async () => {
    assertOneLine(await runCli(['claim', 'confirm', '--data', cat.options.dataDir, 'f'.repeat(64)]), 3, /^web4mesh: InvalidEnvelopeError: .*\(reason: unknown_claim\)$/)
    assertOneLine(await runCli(['claim', 'confirm', '--data', cat.options.dataDir, 'ffff']), 3, /^web4mesh: Cannot find claim "ffff"/)
    assertOneLine(await runCli(['claim', 'challenge', '--data', ann.options.dataDir, claimId]), 3, /^web4mesh: InvalidEnvelopeError: .*\(reason: verdict_conflict\)$/)
    assertOneLine(await runCli(['claim', 'challenge', '--data', ann.options.dataDir, claimId, '--reason', 'dislike']), 2, /^web4mesh: Cannot read --reason/)
    assertOneLine(await runCli(['claim', 'confirm', '--data', ann.options.dataDir, 'not-an-id']), 2, /^web4mesh: Cannot read claim id/)
    assertOneLine(await runCli(['claim', 'list', '--data', cat.options.dataDir, '--status', 'done']), 2, /^web4mesh: Cannot read --status/)
    assertOneLine(await runCli(['claim', 'propose', '--data', cat.options.dataDir, '--statement', 'x', '--domain', 'd', '--confidence', '1.5']), 2, /^web4mesh: Cannot read --confidence/)
    assertOneLine(await runCli(['claim', 'propose', '--data', cat.options.dataDir, '--statement', 'x', '--domain', 'd', '--source', 'not a uri']), 4, /^web4mesh: PayloadSchemaError: /)
    assertOneLine(await runCli(['claim', 'list', '--data', join(root, 'nothing-here')]), 1, /^web4mesh: No node is running for /)
  })
})

describe('web4mesh trust', { timeout: 60_000 }, () => {
  it('set blacklists a pinned root by hand; list shows it; set lets it out again', async () => {
    const fingerprint = bob.info.fingerprint
    const set = await runCli(['trust', 'set', '--data', cat.options.dataDir, fingerprint, 'blacklisted', '--reason', 'e2e: caught lying'])
    assert.equal(set.code, 0, set.stderr)
    assert.equal(set.stdout, `bob (${fingerprint.slice(0, 12)}): trusted → blacklisted\n`)
    const listed = await runCli(['trust', 'list', '--data', cat.options.dataDir, '--json'])
    assert.equal(listed.code, 0, listed.stderr)
    const peer = (JSON.parse(listed.stdout) as TrustJson[]).find((candidate) => candidate.fingerprint === fingerprint)
    assert.deepEqual([peer?.agent_id, peer?.trust, peer?.is_pinned, peer?.last_transition?.reason], ['bob', 'blacklisted', true, 'manual override by the operator: e2e: caught lying'])
    const table = await runCli(['trust', 'list', '--data', cat.options.dataDir])
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout, /^AGENT\s+FINGERPRINT\s+TRUST\s+SINCE \(UTC\)\s+REASON\n/)
    assert.match(table.stdout, new RegExp(`\\nbob\\s+${fingerprint.slice(0, 12)}\\s+blacklisted \\(pinned\\)\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+manual override by the operator: e2e: caught lying\\n`))
    assert.match(table.stdout, new RegExp(`\\nann\\s+${ann.info.fingerprint.slice(0, 12)}\\s+trusted \\(pinned\\)`))
    const back = await runCli(['trust', 'set', '--data', cat.options.dataDir, fingerprint.slice(0, 12), 'probing', '--reason', 'e2e: forgiven', '--json'])
    assert.equal(back.code, 0, back.stderr)
    assert.deepEqual(JSON.parse(back.stdout), {
      fingerprint, agent_id: 'bob', event: 'manual_set_probing', from: 'blacklisted', to: 'probing', ignored: false, reason: 'manual override by the operator: e2e: forgiven'
    })
  })

  it('a bad state or a bad fingerprint exits 2 with one line', async () => {
    const data = cat.options.dataDir
    assertOneLine(await runCli(['trust', 'set', '--data', data, bob.info.fingerprint, 'friendly', '--reason', 'r']), 2, /^web4mesh: Cannot read state "friendly"/)
    assertOneLine(await runCli(['trust', 'set', '--data', data, 'not-a-fingerprint', 'trusted', '--reason', 'r']), 2, /^web4mesh: Cannot read fingerprint "not-a-fingerprint"/)
    assertOneLine(await runCli(['trust', 'set', '--data', data, '0123456789', 'trusted', '--reason', 'r']), 2, /^web4mesh: Cannot read fingerprint "0123456789": no known peer/)
    assertOneLine(await runCli(['trust', 'set', '--data', data, bob.info.fingerprint, 'trusted', '--reason', ' ']), 2, /^web4mesh: Cannot read --reason/)
    assertOneLine(await runCli(['trust', 'set', '--data', data, cat.info.fingerprint, 'trusted', '--reason', 'r']), 3, /^web4mesh: InvalidEnvelopeError: .*it is this node/)
    assertOneLine(await runCli(['trust', 'list', '--data', join(root, 'nothing-here')]), 1, /^web4mesh: No node is running for /)
    const peers = await cat.get('/v1/trust') as TrustJson[]
    assert.equal(peers.find((peer) => peer.fingerprint === bob.info.fingerprint)?.trust, 'probing', 'no refusal changed anything')
  })

  it('every claim and trust command has --help', async () => {
    for (const args of [['claim'], ['claim', 'propose'], ['claim', 'confirm'], ['claim', 'challenge'], ['claim', 'list'], ['trust'], ['trust', 'list'], ['trust', 'set']]) {
      const run = await runCli([...args, '--help'])
      assert.equal(run.code, 0, args.join(' '))
      assert.match(run.stdout, /Usage: web4mesh/)
    }
  })
})

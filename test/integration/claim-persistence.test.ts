/**
 * Integration with separate processes (issue #5, "Persistence"): a node killed with
 * SIGKILL during a burst of confirmations and restarted from its SQLite data directory
 * loses no accepted claim and regresses no status.
 *
 * Four `web4mesh start` processes in a full mesh over TCP on loopback: the observer A
 * pins B and D as roots (`--trust`), C proposes. C proposes a burst of claims spread
 * over more than one challenge window, and B and D confirm each one as soon as they see
 * it; so when A first reports a claim `accepted`, later claims are still `pending` in
 * their window with both confirmations already received. A is SIGKILLed right then, the
 * burst goes on without it, and A restarts on the same data directory and port. Then:
 * every claim A reported is still there, none went back (`accepted` stays `accepted`,
 * with `was_ever_accepted`), every claim whose proposal and both confirmations A had
 * received before the kill becomes `accepted` with nothing re-sent, and once the
 * operators re-send what A missed while dead, every claim of the burst is accepted.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CHALLENGE_WINDOW_MS, MIN_TRUSTED_CONFIRMATIONS } from '../../src/runtime/knowledge/index.ts'
import { createDataDir, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess, NodeProcessOptions } from '../helpers/node-process.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** Claims in the burst. */
const BURST_CLAIMS = 30
/** C proposes one claim every this many ms: the burst spans 1.5 challenge windows, so the kill finds claims on both sides of acceptance. */
const PROPOSE_INTERVAL_MS = CHALLENGE_WINDOW_MS / 20
/** How often the confirmers and the test look at a node's claims. */
const POLL_MS = 20
const DOMAIN = 'persistence-burst'

let root: string
let a: NodeProcess
let b: NodeProcess
let c: NodeProcess
let d: NodeProcess

/** One claim as `GET /v1/claims` lists it (the members this test reads). */
interface ClaimJson {
  id: string
  statement: string
  domain: string
  status: string
  status_reason: string
  status_since: string
  first_seen_at: string
  confirmations: number
  challenges: number
  trusted_confirmers: number
}

/** One claim as `GET /v1/claims/{id}` shows it (the members this test reads). */
interface ClaimDetailJson extends ClaimJson {
  was_ever_accepted: boolean
}

/** POST on the admin API of `node` with its token; resolves with the parsed JSON. */
async function post (node: NodeProcess, path: string, body: unknown): Promise<unknown> {
  const token = (await readFile(join(node.options.dataDir, 'admin.token'), 'utf8')).trim()
  const response = await fetch(`${node.info.admin_url}${path}`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  const answer: unknown = await response.json()
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`)
  return answer
}

/** The burst's claims as `node` lists them. */
async function burstClaimsAt (node: NodeProcess): Promise<ClaimJson[]> {
  return (await node.get('/v1/claims') as ClaimJson[]).filter((claim) => claim.domain === DOMAIN)
}

/** C proposes claim `index` of the burst; resolves with its id. */
async function propose (index: number): Promise<string> {
  const fact = { statement: `Burst claim number ${index}`, domain: DOMAIN, confidence: 0.9, sources: ['https://example.org/burst'], context: 'claim persistence test' }
  return (await post(c, '/v1/claims', { fact }) as { claim_id: string }).claim_id
}

/** C proposes the whole burst, one claim every {@link PROPOSE_INTERVAL_MS}; resolves with the ids in order. */
async function proposeBurst (): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < BURST_CLAIMS; index++) {
    ids.push(await propose(index))
    await new Promise((resolve) => setTimeout(resolve, PROPOSE_INTERVAL_MS))
  }
  return ids
}

/** `node` confirms every claim of the burst as soon as it sees it, until it confirmed all of them or `signal` aborts. */
async function confirmAsSeen (node: NodeProcess, signal: AbortSignal): Promise<number> {
  const confirmed = new Set<string>()
  while (confirmed.size < BURST_CLAIMS && !signal.aborted) {
    for (const claim of await burstClaimsAt(node)) {
      if (confirmed.has(claim.id)) continue
      await post(node, `/v1/claims/${claim.id}/confirm`, {})
      confirmed.add(claim.id)
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  return confirmed.size
}

/** Order of statuses in this test, where no claim is challenged: a claim only moves up. */
const RANK: Readonly<Record<string, number>> = { pending: 0, accepted: 1 }

/**
 * Checks `claims` against what A reported before (`seen`, the best status of each claim)
 * and records the new statuses: no reported claim disappears, none moves down, none is
 * disputed or rejected (nobody challenged).
 */
function checkNoRegression (seen: Map<string, string>, claims: readonly ClaimJson[], when: string): void {
  const byId = new Map(claims.map((claim) => [claim.id, claim]))
  for (const [id, before] of seen) {
    const now = byId.get(id)
    assert.ok(now !== undefined, `${when}: claim ${id.slice(0, 12)} (${before} before) disappeared`)
    assert.ok(RANK[now.status] !== undefined, `${when}: claim ${id.slice(0, 12)} is ${now.status}, though nobody challenged it`)
    assert.ok((RANK[now.status] ?? -1) >= (RANK[before] ?? 0), `${when}: claim ${id.slice(0, 12)} regressed from ${before} to ${now.status}`)
  }
  for (const claim of claims) {
    const before = seen.get(claim.id)
    if (before === undefined || (RANK[claim.status] ?? -1) > (RANK[before] ?? 0)) seen.set(claim.id, claim.status)
  }
}

/** The claims of `claims` not yet accepted, and how many of the burst are missing, for a timeout message. */
function describeUnsettled (claims: readonly ClaimJson[]): string {
  const unsettled = claims.filter((claim) => claim.status !== 'accepted')
    .map((claim) => `${claim.id.slice(0, 12)} ${claim.status} since ${claim.status_since} (${claim.status_reason}), first seen ${claim.first_seen_at}, confirmations ${claim.confirmations}, trusted ${claim.trusted_confirmers}`)
  return `at ${new Date().toISOString()}: ${BURST_CLAIMS - claims.length} missing; not accepted: ${unsettled.length === 0 ? 'none' : unsettled.join('; ')}`
}

async function isHandshakenWithAll (self: NodeProcess, others: readonly NodeProcess[]): Promise<boolean> {
  const peers = await peersOf(self)
  return others.every((other) => peers.some((peer) => peer.fingerprint === other.info.fingerprint && peer.link.is_handshaken))
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-claim-persistence-'))
  b = await startNodeProcess({ dataDir: await createDataDir(root, 'b'), port: await freePort() })
  d = await startNodeProcess({ dataDir: await createDataDir(root, 'd'), port: await freePort(), peers: [b.address] })
  a = await startNodeProcess({
    dataDir: await createDataDir(root, 'a'), port: await freePort(), peers: [b.address, d.address], trust: [b.info.fingerprint, d.info.fingerprint]
  })
  c = await startNodeProcess({ dataDir: await createDataDir(root, 'c'), port: await freePort(), peers: [a.address, b.address, d.address] })
  await waitFor(async () => {
    const all = [a, b, c, d]
    const checks = await Promise.all(all.map(async (self) => await isHandshakenWithAll(self, all.filter((other) => other !== self))))
    return checks.every(Boolean)
  }, { timeoutMs: 30_000, what: 'a full mesh of handshakes' })
  const trust = await a.get('/v1/trust') as Array<{ fingerprint: string, trust: string }>
  const trustOf = (node: NodeProcess): string | undefined => trust.find((peer) => peer.fingerprint === node.info.fingerprint)?.trust
  assert.deepEqual([trustOf(b), trustOf(d)], ['trusted', 'trusted'], 'A trusts its pinned roots B and D')
  assert.equal(trustOf(c), 'probing', 'A knows the proposer C (a claim from an unknown proposer would wait for its handshake)')
})

after(async () => {
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

/** What A reported before it was killed. */
interface BeforeKill {
  /** The best status A reported for each claim. */
  seen: Map<string, string>
  /** A's last answer before the kill. */
  snapshot: ClaimJson[]
}

/** Polls A until it reports its first accepted claim, then SIGKILLs it at once (no graceful shutdown). */
async function killAtFirstAcceptance (): Promise<BeforeKill> {
  const seen = new Map<string, string>()
  let snapshot: ClaimJson[] = []
  await waitFor(async () => {
    snapshot = await burstClaimsAt(a)
    checkNoRegression(seen, snapshot, 'before the kill')
    return snapshot.some((claim) => claim.status === 'accepted')
  }, { timeoutMs: 20_000, intervalMs: POLL_MS, what: 'the first claim accepted at A' })
  await a.kill('SIGKILL')
  return { seen, snapshot }
}

/** Restarts A on the same data directory, port, peers and roots; checks that every claim accepted before the kill still is. */
async function restartAndCheckAccepted (before: BeforeKill, acceptedBefore: readonly string[]): Promise<void> {
  const options: NodeProcessOptions = a.options
  a = await startNodeProcess(options)
  checkNoRegression(before.seen, await burstClaimsAt(a), 'right after the restart')
  for (const id of acceptedBefore) {
    const detail = await a.get(`/v1/claims/${id}`) as ClaimDetailJson
    assert.equal(detail.status, 'accepted', `claim ${id.slice(0, 12)} accepted before the kill is accepted after the restart`)
    assert.equal(detail.was_ever_accepted, true, `claim ${id.slice(0, 12)} is still in causal memory after the restart`)
    assert.equal(detail.trusted_confirmers, MIN_TRUSTED_CONFIRMATIONS, `claim ${id.slice(0, 12)} kept both roots' confirmations`)
  }
}

/** Re-sends what A missed while it was dead: C proposes every claim again, B and D confirm it again. */
async function resendBurst (ids: readonly string[]): Promise<void> {
  await waitFor(async () => await isHandshakenWithAll(a, [b, c, d]), { timeoutMs: 30_000, what: 'A handshaken with B, C and D again' })
  for (const [index, id] of ids.entries()) {
    assert.equal(await propose(index), id, `re-proposing claim ${index} gives the same id`)
    await post(b, `/v1/claims/${id}/confirm`, {})
    await post(d, `/v1/claims/${id}/confirm`, {})
  }
}

/** The steps of the test below; `burst` and `confirmers` are running when it is called. */
async function killDuringBurstAndRestart (burst: Promise<string[]>, confirmers: Promise<number[]>): Promise<void> {
  const before = await killAtFirstAcceptance()
  const { seen, snapshot } = before
  const acceptedBefore = snapshot.filter((claim) => claim.status === 'accepted').map((claim) => claim.id)
  const pendingBefore = snapshot.filter((claim) => claim.status === 'pending')
  // Both roots' confirmations had reached A (the proposer's word never counts), yet the window was still open.
  const fullyReceived = pendingBefore.filter((claim) => claim.confirmations >= MIN_TRUSTED_CONFIRMATIONS).map((claim) => claim.id)
  const counts = `reported: ${snapshot.length}, accepted: ${acceptedBefore.length}, pending: ${pendingBefore.length}, pending with both confirmations: ${fullyReceived.length}`
  assert.ok(acceptedBefore.length >= 1, `the kill came after A accepted a claim (${counts})`)
  assert.ok(pendingBefore.length >= 1, `the kill came while claims were still pending at A (${counts})`)
  assert.ok(fullyReceived.length >= 1, `the kill came while a claim had both confirmations at A but was inside its challenge window (${counts})`)
  assert.ok(snapshot.length < BURST_CLAIMS, `the kill came while C was still proposing (${counts})`)

  // The burst goes on while A is dead.
  const ids = await burst
  await waitFor(async () => {
    const seenAt = await Promise.all([b, d].map(async (node) => (await burstClaimsAt(node)).length))
    return seenAt.every((count) => count === BURST_CLAIMS)
  }, { timeoutMs: 15_000, what: 'the whole burst at B and D' })
  assert.deepEqual(await confirmers, [BURST_CLAIMS, BURST_CLAIMS], 'B and D confirmed every claim of the burst')

  await restartAndCheckAccepted(before, acceptedBefore)
  // Nothing is re-sent yet: what A had taken before the kill must be enough.
  await waitFor(async () => {
    const claims = await burstClaimsAt(a)
    checkNoRegression(seen, claims, 'after the restart')
    return fullyReceived.every((id) => claims.find((claim) => claim.id === id)?.status === 'accepted')
  }, { timeoutMs: CHALLENGE_WINDOW_MS * 5, intervalMs: 100, what: `the ${fullyReceived.length} claims whose confirmations A took before the kill accepted at A, with nothing re-sent` })

  // The mesh does not re-send floods A missed while dead: the operators do (same content, same id; the same verdict again is harmless).
  await resendBurst(ids)
  let settling: ClaimJson[] = []
  await waitFor(async () => {
    settling = await burstClaimsAt(a)
    checkNoRegression(seen, settling, 'while the burst settles')
    return settling.length === BURST_CLAIMS && settling.every((claim) => claim.status === 'accepted')
  }, { timeoutMs: CHALLENGE_WINDOW_MS * 10, intervalMs: 100, what: () => `all ${BURST_CLAIMS} claims of the burst accepted at A (${describeUnsettled(settling)})` })
  for (const id of ids) {
    const detail = await a.get(`/v1/claims/${id}`) as ClaimDetailJson
    assert.equal(detail.was_ever_accepted, true, `claim ${id.slice(0, 12)} reached causal memory`)
    assert.equal(detail.challenges, 0, `claim ${id.slice(0, 12)} was never challenged`)
  }
}

describe('claims across a SIGKILL', { timeout: 120_000 }, () => {
  it('a node killed during a burst of confirmations and restarted loses no accepted claim and regresses no status', async () => {
    const confirming = new AbortController()
    const burst = proposeBurst()
    const confirmers = Promise.all([confirmAsSeen(b, confirming.signal), confirmAsSeen(d, confirming.signal)])
    // Reject early instead of hanging if the burst fails, and never leave a rejection unhandled.
    burst.catch(() => { confirming.abort() })
    confirmers.catch(() => { confirming.abort() })
    try {
      await killDuringBurstAndRestart(burst, confirmers)
    } finally {
      confirming.abort()
    }
  })
})

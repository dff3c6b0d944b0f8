/**
 * E2E (issue #6 item 6, DESIGN §4 `npm start`): `web4mesh demo` as a child process tells
 * every step — handshakes, a multi-hop route, a node probing by introduction, a claim
 * accepted after the challenge window — exits 0 and leaves no process and no temporary
 * directory behind. Interrupted by SIGINT (mid-run) or SIGTERM (while its nodes boot),
 * it still stops every node, and exits 130 / 143.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DemoOutput } from '../../src/cli/demo/demo-output.ts'
import type { DemoCluster } from '../../src/cli/demo/node-cluster.ts'
import { runDemo } from '../../src/cli/demo/run-demo.ts'
import { CLI_PATH, runCli } from '../helpers/run-cli.ts'
import type { CliRun } from '../helpers/run-cli.ts'

/** Longest a whole demo run may take here (it aims at well under 20 s). */
const DEMO_RUN_TIMEOUT_MS = 60_000

async function exists (path: string): Promise<boolean> {
  return await access(path).then(() => true, () => false)
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Pids of the processes whose command line mentions `text` (Linux /proc; empty elsewhere). */
async function processesMentioning (text: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [])
  const pids: number[] = []
  for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
    const commandLine = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')
    if (commandLine.includes(text)) pids.push(Number(entry))
  }
  return pids
}

/** The pids in the table of step 1 (`AGENT  PID  FINGERPRINT …`). */
function nodePidsOf (stdout: string): number[] {
  return [...stdout.matchAll(/^ {2}(?:ann|bob|cat|dan|eve) +(\d+) +[0-9a-f]{12} /gm)].map((match) => Number(match[1]))
}

/** The temporary directory step 1 names. */
function dataRootOf (stdout: string): string {
  return /data directories under (\S+)/.exec(stdout)?.[1] ?? ''
}

/** Runs the demo until `stdout` matches `until`, sends `signal` to the demo process alone, and waits for its exit. */
async function interruptDemo (args: readonly string[], until: RegExp, signal: NodeJS.Signals): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: DEMO_RUN_TIMEOUT_MS })
  let stdout = ''
  let stderr = ''
  let isSent = false
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (!isSent && until.test(stdout)) {
      isSent = true
      child.kill(signal)
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const code = await new Promise<number | null>((resolve) => { child.on('close', resolve) })
  assert.ok(isSent, `the demo never printed ${String(until)}; stdout: ${stdout}; stderr: ${stderr}`)
  return { code, stdout, stderr }
}

describe('web4mesh demo', { timeout: 3 * DEMO_RUN_TIMEOUT_MS }, () => {
  it('tells every step, exits 0 and leaves nothing behind', async () => {
    const run = await runCli(['demo'], { timeoutMs: DEMO_RUN_TIMEOUT_MS })
    assert.equal(run.code, 0, `stderr: ${run.stderr}\nstdout: ${run.stdout}`)
    assert.equal(run.stderr, '')
    const out = run.stdout
    for (const [index, title] of ['5 nodes start', 'Multi-peer handshake', 'Multi-hop routing', 'Trust propagation', 'A knowledge claim accepted across peers', 'Events that matter', 'Topology'].entries()) {
      assert.match(out, new RegExp(`^\\[ *\\d+\\.\\d s\\] ${index + 1}/7 ${title}`, 'm'), `step ${index + 1}`)
    }
    assert.match(out, /4 links handshaken: ann — bob, bob — cat, cat — dan, dan — eve/)
    assert.match(out, /^ {2}ann +· +direct +routed +routed +routed$/m, 'ann has met everyone: bob over its link, the rest across the mesh')
    assert.match(out, /^ {2}eve +via bob +ann → bob → cat → dan → eve /m, 'a multi-hop route')
    assert.match(out, /INTENT ann → eve \(POST \/v1\/messages\): delivered in [\d.]+ ms over 4 hops\n {4}route ann → bob → cat → dan → eve/)
    assert.match(out, /^ {2}(?:cat|eve) +probing +no +introduction /m, 'a node with no link to ann, probing by introduction')
    assert.match(out, /^ {4}(?:cat|eve) +introduced by trusted peer "[0-9a-f]{16}" \((?:bob|dan)\)/m)
    assert.match(out, /ann sees it from eve: pending; challenge window open until/)
    assert.match(out, /dan confirms: 2\/2 trusted confirmers|bob confirms: 2\/2 trusted confirmers/)
    assert.match(out, /accepted at ann \(2 trusted confirmers, 0 trusted challengers\)/)
    const heldS = Number(/pending → accepted at ann, held back ([\d.]+) s/.exec(out)?.[1])
    assert.ok(heldS >= 2, `accepted only after the 2 s challenge window (held back ${heldS} s)`)
    for (const type of ['handshake_completed', 'trust_transition', 'mesh_routed', 'mesh_delivered', 'claim_status']) {
      assert.match(out, new RegExp(`^ {2}\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +\\w+ +${type} `, 'm'), `event ${type}`)
    }
    assert.match(out, /web4-mesh seen by ann \([0-9a-f]{12}\): 5 nodes, 4 active links/)
    const done = /done: stopped 5 nodes \(pids ([\d, ]+)\); removed (\S+)$/m.exec(out)
    assert.ok(done !== null, 'the closing line')
    const pids = (done[1] ?? '').split(', ').map(Number)
    assert.deepEqual([...pids].sort(), [...nodePidsOf(out)].sort())
    assert.deepEqual(pids.filter(isAlive), [], 'no node process left')
    assert.equal(dataRootOf(out), done[2])
    assert.equal(await exists(done[2] ?? ''), false, 'temporary directory removed')
  })

  it('on SIGINT mid-run stops every node, removes its data and exits 130 with one line', async () => {
    const run = await interruptDemo([], /2\/7 Multi-peer handshake/, 'SIGINT')
    assert.equal(run.code, 130, `stderr: ${run.stderr}`)
    const root = dataRootOf(run.stdout)
    assert.equal(run.stderr, `web4mesh: Interrupted by SIGINT: stopped 5 nodes; removed ${root}\n`)
    const pids = nodePidsOf(run.stdout)
    assert.equal(pids.length, 5)
    assert.deepEqual(pids.filter(isAlive), [], 'no node process left')
    assert.deepEqual(await processesMentioning(root), [])
    assert.equal(await exists(root), false, 'temporary directory removed')
  })

  it('on SIGTERM while its nodes boot stops them, keeps the data with --keep and exits 143', async () => {
    const run = await interruptDemo(['--keep'], /data directories under \S+\n/, 'SIGTERM')
    const root = dataRootOf(run.stdout)
    try {
      assert.equal(run.code, 143, `stderr: ${run.stderr}`)
      assert.match(run.stderr, new RegExp(`^web4mesh: Interrupted by SIGTERM: stopped \\d nodes; kept their data in ${root}\\n$`))
      assert.deepEqual(await processesMentioning(root), [], 'no node process left')
      assert.ok(await exists(join(root, 'ann', 'identity.key')), 'data kept')
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('when a node fails to start, fails with one line naming it and still removes everything', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'web4mesh-demo-test-'))
    try {
      const entry = join(scratch, 'broken-cli.ts')
      await writeFile(entry, 'process.stderr.write("web4mesh: Cannot start: broken on purpose\\n")\nprocess.exitCode = 3\n')
      let cluster: DemoCluster | undefined
      let printed = ''
      await assert.rejects(runDemo({
        nodes: 5, keep: false, entry, signal: new AbortController().signal, output: new DemoOutput({ write: (text: string) => { printed += text } }), onCluster: (created) => { cluster = created }
      }), { name: 'CliError', message: 'Cannot start node "cat": it exited (3): web4mesh: Cannot start: broken on purpose' })
      assert.match(printed, /1\/7 5 nodes start/)
      assert.ok(cluster !== undefined)
      assert.deepEqual(cluster.nodes.map((node) => node.name), ['cat'], 'no later wave started')
      assert.deepEqual(cluster.nodes.filter((node) => node.isRunning), [])
      assert.equal(await exists(cluster.root), false, 'temporary directory removed')
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  })

  it('has --help, and refuses a bad --nodes with one line and exit 2', async () => {
    const help = await runCli(['demo', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--nodes <n>/)
    assert.match(help.stdout, /--keep/)
    assert.match(help.stdout, /npm start/)
    const bad = await runCli(['demo', '--nodes', '3'])
    assert.equal(bad.code, 2)
    assert.equal(bad.stderr, 'web4mesh: Cannot read --nodes: "3" is not an integer in 5…10\n')
  })
})

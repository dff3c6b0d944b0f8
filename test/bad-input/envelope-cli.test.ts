/**
 * Bad input through the envelope CLI (issue #7 item 3): BAD_INPUT_CLI_RUNS generated bad
 * envelope files through `web4mesh envelope verify` and `validate`, as child processes
 * (some on stdin). Pass: each exits with the exit code the error table gives its error,
 * prints nothing on stdout and exactly one line on stderr — `web4mesh: <ErrorName>: … (reason: …)`
 * — and never a stack trace.
 */
import assert from 'node:assert/strict'
import { availableParallelism, tmpdir } from 'node:os'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runCli } from '../helpers/run-cli.ts'
import type { CliRun } from '../helpers/run-cli.ts'
import { BAD_INPUT_CLI_RUNS, BAD_INPUT_SEED, cliCaseArb, identityFromLabel, reproduction, sampleOf } from './generators.ts'
import type { CliCase } from './generators.ts'

/** Processes at once: the CLI's start-up is CPU-bound, so about one per core, and at least two. */
const CONCURRENCY = Math.max(2, Math.min(4, availableParallelism()))
/** Cases made and run together. */
const CHUNK = 20
/** Every how many cases one goes through stdin instead of a file. */
const STDIN_EVERY = 7

let root = ''
before(async () => { root = await mkdtemp(join(tmpdir(), 'web4mesh-bad-input-cli-')) })
after(async () => { await rm(root, { recursive: true, force: true }) })

const author = identityFromLabel('cli author')
const victim = identityFromLabel('cli victim')
const third = identityFromLabel('cli third')

/** Why `run` is wrong for `cliCase`, or undefined when it is right. */
function faultOf (cliCase: CliCase, run: CliRun): string | undefined {
  const lines = run.stderr.split('\n').filter((line) => line !== '')
  if (!cliCase.exitCodes.includes(run.code ?? -1)) return `exit ${String(run.code)}, expected ${cliCase.exitCodes.join('|')}: ${run.stderr.trim()}`
  if (run.stdout !== '') return `printed on stdout: ${run.stdout.slice(0, 120)}`
  if (lines.length !== 1) return `${lines.length} lines on stderr: ${run.stderr.slice(0, 300)}`
  if (/^\s+at /m.test(run.stderr)) return 'a stack trace'
  if (!/^web4mesh: [A-Za-z]+Error: .+ \(reason: [a-z0-9_]+\)$/.test(lines[0] ?? '')) return `not a typed error line: ${lines[0] ?? ''}`
  return undefined
}

describe(`bad input through the envelope CLI (${BAD_INPUT_CLI_RUNS} files, seed ${BAD_INPUT_SEED})`, { timeout: 300_000 }, () => {
  it('exits with the error table\'s code and one stderr line for every bad envelope, never a stack trace', async (t) => {
    const context = {
      author: { identity: author, agentId: 'cli-author' },
      receiver: { agent_id: 'cli-victim', fingerprint: victim.fingerprint },
      nowMs: Date.now(),
      third: { agent_id: 'cli-third', fingerprint: third.fingerprint, pubkey: third.pubkey },
      duplicateId: '00000000-0000-4000-8000-000000000000'
    }
    // One compile cache for every run: start-up is most of what a run costs.
    const env = { NODE_COMPILE_CACHE: join(root, 'compile-cache') }
    const faults: string[] = []
    const exitCodes = new Map<number, number>()
    const cases: CliCase[] = []
    const startedAt = performance.now()
    // Made a chunk at a time, just before they run: a slow machine must not age a fresh envelope past the ±120 s window.
    for (let chunk = 0; chunk * CHUNK < BAD_INPUT_CLI_RUNS; chunk++) {
      const batch = sampleOf(cliCaseArb({ ...context, nowMs: Date.now() }), `cli ${chunk}`, Math.min(CHUNK, BAD_INPUT_CLI_RUNS - chunk * CHUNK))
      const offset = cases.length
      cases.push(...batch)
      let next = 0
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < batch.length) {
          const i = next++
          const cliCase = batch[i]
          if (cliCase === undefined) break
          const number = offset + i
          const viaStdin = number % STDIN_EVERY === 0
          const file = join(root, `case-${number}.json`)
          if (!viaStdin) await writeFile(file, cliCase.bytes)
          const run = await runCli(['envelope', cliCase.command, viaStdin ? '-' : file], { env, timeoutMs: 60_000, ...(viaStdin ? { input: cliCase.bytes } : {}) })
          exitCodes.set(run.code ?? -1, (exitCodes.get(run.code ?? -1) ?? 0) + 1)
          const fault = faultOf(cliCase, run)
          if (fault !== undefined) faults.push(`#${i} of ${reproduction(`cli ${chunk}`)}: ${cliCase.command} ${cliCase.category}${viaStdin ? ' (stdin)' : ''}: ${fault}`)
        }
      }))
    }
    const verify = cases.filter((cliCase) => cliCase.command === 'verify').length
    t.diagnostic(`${cases.length} runs (${verify} verify, ${cases.length - verify} validate) in ${Math.round(performance.now() - startedAt)} ms at ${CONCURRENCY} at once; exit codes ${[...exitCodes].sort().map(([code, count]) => `${code}×${count}`).join(' ')}`)
    assert.deepEqual(faults, [])
    assert.ok(cases.length >= BAD_INPUT_CLI_RUNS)
  })
})

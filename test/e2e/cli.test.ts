/**
 * E2E: the `web4mesh` CLI as a child process — `--help` everywhere, `init`, and
 * `envelope sign|verify|validate` with their exit codes and one-line errors.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runCli } from '../helpers/run-cli.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-cli-'))
after(async () => { await rm(root, { recursive: true, force: true }) })

const RECEIVER = { agent_id: 'bob', fingerprint: 'b'.repeat(64) }
const INTENT = { type: 'INTENT', receiver: RECEIVER, payload: { goal: 'ask', topic: 'rtt budget', priority: 'normal', context: 'fra–ams' } }

function assertOneLineError (stderr: string, name: string): void {
  const lines = stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `expected one stderr line, got: ${stderr}`)
  assert.match(lines[0] ?? '', new RegExp(`^web4mesh: ${name}`))
}

describe('web4mesh --help', () => {
  it('lists the commands and exits 0', async () => {
    const run = await runCli(['--help'])
    assert.equal(run.code, 0)
    for (const command of ['init', 'start', 'send', 'envelope']) assert.match(run.stdout, new RegExp(`\\b${command}\\b`))
  })

  it('gives every command its own --help', async () => {
    for (const args of [['init'], ['start'], ['send'], ['envelope'], ['envelope', 'sign'], ['envelope', 'verify'], ['envelope', 'validate']]) {
      const run = await runCli([...args, '--help'])
      assert.equal(run.code, 0, args.join(' '))
      assert.match(run.stdout, /Usage: web4mesh/)
    }
  })

  it('exits 2 on an unknown command or option', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2)
    assert.equal((await runCli(['init', '--bogus'])).code, 2)
  })
})

describe('web4mesh init', () => {
  it('creates the data directory and prints agent id and fingerprint', async () => {
    const data = join(root, 'alice')
    const run = await runCli(['init', '--data', data, '--agent-id', 'alice', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const summary = JSON.parse(run.stdout) as { agent_id: string, fingerprint: string }
    assert.equal(summary.agent_id, 'alice')
    assert.match(summary.fingerprint, /^[0-9a-f]{64}$/)
    assert.equal((await stat(join(data, 'identity.key'))).mode & 0o777, 0o600)
    const config = JSON.parse(await readFile(join(data, 'config.json'), 'utf8')) as { agent_id: string }
    assert.equal(config.agent_id, 'alice')
  })

  it('refuses to overwrite an identity with one line on stderr', async () => {
    const data = join(root, 'twice')
    assert.equal((await runCli(['init', '--data', data, '--agent-id', 'x'])).code, 0)
    const run = await runCli(['init', '--data', data, '--agent-id', 'x'])
    assert.notEqual(run.code, 0)
    assertOneLineError(run.stderr, 'Cannot initialise')
  })

  it('refuses a bad agent id with exit 2', async () => {
    const run = await runCli(['init', '--data', join(root, 'bad'), '--agent-id', 'has space'])
    assert.equal(run.code, 2)
    assertOneLineError(run.stderr, 'Cannot initialise')
  })
})

describe('web4mesh envelope', () => {
  const data = join(root, 'signer')
  let signed = ''

  before(async () => {
    assert.equal((await runCli(['init', '--data', data, '--agent-id', 'signer'])).code, 0)
    const run = await runCli(['envelope', 'sign', '--data', data, '-'], { input: JSON.stringify(INTENT) })
    assert.equal(run.code, 0, run.stderr)
    signed = run.stdout
  })

  it('sign fills version, msg_id, timestamp and sender', () => {
    const envelope = JSON.parse(signed) as Record<string, unknown>
    assert.equal(envelope.cip, '1.0')
    assert.match(envelope.msg_id as string, /^[0-9a-f-]{36}$/)
    assert.equal((envelope.sender as { agent_id: string }).agent_id, 'signer')
    assert.equal((envelope.sign as { algo: string }).algo, 'ed25519')
  })

  it('verify accepts the signed envelope from stdin and from a file', async () => {
    assert.equal((await runCli(['envelope', 'verify', '-'], { input: signed })).code, 0)
    const file = join(root, 'intent.json')
    await writeFile(file, signed)
    const run = await runCli(['envelope', 'verify', '--json', file])
    assert.equal(run.code, 0, run.stderr)
    assert.equal((JSON.parse(run.stdout) as { type: string }).type, 'INTENT')
  })

  it('verify refuses a tampered payload with SignatureMismatchError and exit 5', async () => {
    const run = await runCli(['envelope', 'verify', '-'], { input: signed.replace('rtt budget', 'rtt budgeT') })
    assert.equal(run.code, 5)
    assertOneLineError(run.stderr, 'SignatureMismatchError')
    assert.match(run.stderr, /reason: bad_signature/)
  })

  it('verify refuses a swapped pubkey with fingerprint_mismatch', async () => {
    const envelope = JSON.parse(signed) as { sender: { pubkey: string } }
    envelope.sender.pubkey = Buffer.alloc(32, 7).toString('base64')
    const run = await runCli(['envelope', 'verify', '-'], { input: JSON.stringify(envelope) })
    assert.equal(run.code, 5)
    assert.match(run.stderr, /reason: fingerprint_mismatch/)
  })

  it('verify refuses a stale envelope with TimestampError and exit 6, unless --ignore-time', async () => {
    const old = JSON.stringify({ ...INTENT, timestamp: '2020-01-01T00:00:00Z' })
    const resigned = await runCli(['envelope', 'sign', '--data', data, '-'], { input: old })
    assert.equal(resigned.code, 0, resigned.stderr)
    const stale = await runCli(['envelope', 'verify', '-'], { input: resigned.stdout })
    assert.equal(stale.code, 6)
    assertOneLineError(stale.stderr, 'TimestampError')
    assert.equal((await runCli(['envelope', 'verify', '--ignore-time', '-'], { input: resigned.stdout })).code, 0)
  })

  it('validate checks the schema only and reports payload errors with exit 4', async () => {
    const envelope = JSON.parse(signed) as { payload: { priority: string } }
    envelope.payload.priority = 'urgent'
    const run = await runCli(['envelope', 'validate', '-'], { input: JSON.stringify(envelope) })
    assert.equal(run.code, 4)
    assertOneLineError(run.stderr, 'PayloadSchemaError')
    assert.equal((await runCli(['envelope', 'validate', '-'], { input: signed.replace('rtt budget', 'other') })).code, 0)
  })

  it('refuses malformed JSON with InvalidEnvelopeError and exit 3, never a stack trace', async () => {
    for (const input of ['', '{', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', '[1,2]', `{"x":"${'a'.repeat(70_000)}"}`]) {
      const run = await runCli(['envelope', 'verify', '-'], { input })
      assert.equal(run.code, 3, `${input.slice(0, 20)}: ${run.stderr}`)
      assertOneLineError(run.stderr, 'InvalidEnvelopeError')
    }
  })

  it('sign refuses an envelope that names another sender', async () => {
    const other = { ...INTENT, sender: { agent_id: 'mallory', fingerprint: 'c'.repeat(64), pubkey: Buffer.alloc(32, 1).toString('base64') } }
    const run = await runCli(['envelope', 'sign', '--data', data, '-'], { input: JSON.stringify(other) })
    assert.equal(run.code, 3)
    assert.match(run.stderr, /reason: sender_mismatch/)
  })

  it('sign without an initialised data directory says how to create one', async () => {
    const run = await runCli(['envelope', 'sign', '--data', join(root, 'nowhere'), '-'], { input: JSON.stringify(INTENT) })
    assert.equal(run.code, 1)
    assertOneLineError(run.stderr, 'Cannot open data directory')
  })
})

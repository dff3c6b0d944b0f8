/**
 * `web4mesh trust list|set --data DIR …` (DESIGN §3 "trust bootstrap", §4; SPEC §6,
 * §15.8): the running node's trust view of every peer, and the human override. `set`
 * takes a fingerprint (or a unique prefix of a known peer's, as `list` shows it) and one
 * of untrusted|probing|trusted|blacklisted; the node logs it as "manual override by the
 * operator: <reason>". It is the only way out of `blacklisted`.
 */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { TRUST_STATES } from '../../protocol/trust/index.ts'
import { connectToNode } from '../admin-client.ts'
import type { AdminClient } from '../admin-client.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { printJson } from '../output.ts'
import { formatTable } from '../table.ts'

/** The states `trust set` takes: every TrustFSM state but `unknown` (a peer never seen). */
export const TRUST_SET_STATES: readonly string[] = TRUST_STATES.filter((state) => state !== 'unknown')
/** Shortest fingerprint prefix `trust set` resolves. */
export const MIN_FINGERPRINT_PREFIX_CHARS = 8

/** One peer as `GET /v1/trust` lists it. */
export interface TrustJson {
  fingerprint: string
  agent_id: string | null
  trust: string
  is_pinned: boolean
  last_transition: { from: string, to: string, event: string, reason: string, at: string } | null
}

/** What `POST /v1/trust/{fingerprint}` answers. */
interface TrustSetJson { fingerprint: string, agent_id: string | null, event: string, from: string, to: string, ignored: boolean, reason: string }

/** Registers `trust list|set` on `program`. */
export function registerTrust (program: Command): void {
  const trust = program.command('trust').description('trust views of every peer, and the manual override (SPEC §6)')

  trust.command('list')
    .description('list every peer with this node\'s trust state and its last transition')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (options: { data: string, json?: boolean }) => {
      const client = await connectToNode(options.data)
      const peers = await client.get('/v1/trust') as TrustJson[]
      if (options.json === true) printJson(peers)
      else process.stdout.write(renderTrust(peers))
    })

  trust.command('set')
    .description('set a peer\'s trust state by hand (logged with your reason)')
    .argument('<fingerprint>', 'the peer\'s fingerprint, or a unique prefix of a known peer\'s')
    .argument('<state>', TRUST_SET_STATES.join('|'))
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .requiredOption('--reason <text>', 'why, for the transition log')
    .option('--json', 'print JSON')
    .action(async (fingerprint: string, state: string, options: { data: string, reason: string, json?: boolean }) => {
      const text = fingerprint.toLowerCase()
      if (!new RegExp(`^[0-9a-f]{${MIN_FINGERPRINT_PREFIX_CHARS},64}$`).test(text)) {
        throw new CliError(`Cannot read fingerprint "${fingerprint}": give 64 hex digits, or a prefix of at least ${MIN_FINGERPRINT_PREFIX_CHARS} of a known peer's`, USAGE_EXIT_CODE)
      }
      if (!TRUST_SET_STATES.includes(state)) {
        throw new CliError(`Cannot read state "${state}": it must be one of ${TRUST_SET_STATES.join(', ')}`, USAGE_EXIT_CODE)
      }
      if (options.reason.trim() === '') throw new CliError('Cannot read --reason: it is empty', USAGE_EXIT_CODE)
      const client = await connectToNode(options.data)
      const target = text.length === 64 ? text : await resolvePrefix(client, text)
      const answer = await client.post(`/v1/trust/${target}`, { state, reason: options.reason }) as TrustSetJson
      if (options.json === true) printJson(answer)
      else process.stdout.write(`${describeChange(answer)}\n`)
    })
}

/** Peers as a table for people, sorted by agent id: trust (and pinning) and the last change. */
export function renderTrust (peers: readonly TrustJson[]): string {
  // Peers without an agent id (never met) last.
  const keyOf = (peer: TrustJson): string => `${peer.agent_id ?? '\uffff'}\u0000${peer.fingerprint}`
  const sorted = [...peers].sort((a, b) => compare(keyOf(a), keyOf(b)))
  return formatTable(['agent', 'fingerprint', 'trust', 'since (utc)', 'reason'], sorted.map((peer) => [
    peer.agent_id, peer.fingerprint.slice(0, 12), `${peer.trust}${peer.is_pinned ? ' (pinned)' : ''}`,
    peer.last_transition?.at.slice(0, 19).replace('T', ' '), peer.last_transition === null ? null : truncate(peer.last_transition.reason, 70)
  ]))
}

/** One line saying what `trust set` did. */
function describeChange (answer: TrustSetJson): string {
  const who = `${answer.agent_id ?? 'peer'} (${answer.fingerprint.slice(0, 12)})`
  return answer.ignored ? `${who}: still ${answer.from}: ${answer.reason}` : `${who}: ${answer.from} → ${answer.to}`
}

/** The one known peer whose fingerprint starts with `prefix`; anything else is a usage error. */
async function resolvePrefix (client: AdminClient, prefix: string): Promise<string> {
  const matches = (await client.get('/v1/trust') as TrustJson[]).filter((peer) => peer.fingerprint.startsWith(prefix))
  const [first] = matches
  if (first === undefined) throw new CliError(`Cannot read fingerprint "${prefix}": no known peer's fingerprint starts with it`, USAGE_EXIT_CODE)
  if (matches.length > 1) throw new CliError(`Cannot read fingerprint "${prefix}": ${matches.length} peers' fingerprints start with it; give more digits`, USAGE_EXIT_CODE)
  return first.fingerprint
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function truncate (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/**
 * `web4mesh inspect --data DIR [--json]` (DESIGN §4): what the running node knows —
 * identity, peers (trust, link state, RTT p50/p95), routes ("direct" or "via <agent>",
 * with the end-to-end RTT its deliveries measured), claims and recent events. Tables for people
 * (peers and routes sorted by agent id), one JSON object with the API's answers with `--json`.
 */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { connectToNode } from '../admin-client.ts'
import type { AdminClient } from '../admin-client.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { printJson } from '../output.ts'
import { formatTable } from '../table.ts'

/** Events `inspect` shows unless told otherwise. */
export const INSPECT_EVENTS_DEFAULT = 20

interface InspectOptions {
  data: string
  events: string
  json?: boolean
}

interface NodeJson { agent_id: string, fingerprint: string, peer_id: string, multiaddrs: string[], presence: string, lri: number }
interface RttJson { p50_ms: number, p95_ms: number, smoothed_ms: number }
interface PeerJson {
  fingerprint: string
  agent_id: string
  trust: string
  is_pinned: boolean
  link: { is_linked: boolean, direction: string | null, is_handshaken: boolean }
  rtt: RttJson | null
}
interface RouteJson {
  destination: string
  agent_id: string | null
  next_hop: string
  next_hop_agent_id: string | null
  is_direct: boolean
  path: string[]
  cost_ms: number
  measured_rtt?: { p50_ms: number, p95_ms: number } | null
}
interface EventJson { seq: number, event_type: string, peer: string | null, payload: Record<string, unknown>, occurred_at: string }

/** Everything `inspect` shows; `claims` only when the node serves them. */
interface Inspection {
  node: NodeJson
  peers: PeerJson[]
  routes: RouteJson[]
  claims?: unknown[]
  events: EventJson[]
}

/** Registers `inspect` on `program`. */
export function registerInspect (program: Command): void {
  program.command('inspect')
    .description('show the running node: identity, peers, routes, claims and recent events')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .option('--events <n>', 'how many recent events to show (0 for none)', String(INSPECT_EVENTS_DEFAULT))
    .option('--json', 'print JSON')
    .action(async (options: InspectOptions) => {
      const eventCount = Number(options.events)
      if (!/^[0-9]+$/.test(options.events) || eventCount > 1000) throw new CliError(`Cannot read --events: "${options.events}" is not an integer in 0…1000`, USAGE_EXIT_CODE)
      const inspection = await inspect(await connectToNode(options.data), eventCount)
      if (options.json === true) printJson(inspection)
      else process.stdout.write(renderInspection(inspection))
    })
}

async function inspect (client: AdminClient, eventCount: number): Promise<Inspection> {
  const [node, peers, routes, claims] = await Promise.all([
    client.get('/v1/node') as Promise<NodeJson>,
    client.get('/v1/peers') as Promise<PeerJson[]>,
    client.get('/v1/routes') as Promise<RouteJson[]>,
    optionalClaims(client)
  ])
  const events = eventCount === 0 ? [] : await client.get(`/v1/events?tail=${eventCount}`) as EventJson[]
  return { node, peers, routes, ...(claims === undefined ? {} : { claims }), events }
}

/** The node's claims, or undefined when this node has no `/v1/claims` yet (the API answers 404 NotFound). */
async function optionalClaims (client: AdminClient): Promise<unknown[] | undefined> {
  try {
    return await client.get('/v1/claims') as unknown[]
  } catch (err) {
    // The admin client reports the API's error name first; NotFound is the server's "no such route".
    if (err instanceof CliError && err.message.startsWith('NotFound:')) return undefined
    throw err
  }
}

/** The inspection as text for people. */
export function renderInspection (inspection: Inspection): string {
  const { node } = inspection
  const names = new Map<string, string>([[node.fingerprint, node.agent_id]])
  for (const peer of inspection.peers) if (peer.agent_id !== '') names.set(peer.fingerprint, peer.agent_id)
  for (const route of inspection.routes) if (route.agent_id !== null) names.set(route.destination, route.agent_id)
  const nameOf = (fingerprint: string | null): string => fingerprint === null ? '-' : names.get(fingerprint) ?? `${fingerprint.slice(0, 12)}…`
  const sections = [
    keyValues([
      ['agent', node.agent_id], ['fingerprint', node.fingerprint], ['peer id', node.peer_id], ['presence', `${node.presence} (lri ${node.lri})`],
      ...node.multiaddrs.map((address, index): [string, string] => [index === 0 ? 'listening' : '', address])
    ]),
    `peers (${inspection.peers.length})\n${formatTable(['agent', 'fingerprint', 'trust', 'link', 'rtt p50 ms', 'rtt p95 ms'], sortedBy(inspection.peers, (peer) => [peer.agent_id, peer.fingerprint]).map((peer) => [
      peer.agent_id === '' ? null : peer.agent_id, peer.fingerprint.slice(0, 12), `${peer.trust}${peer.is_pinned ? ' (pinned)' : ''}`, linkOf(peer),
      peer.rtt?.p50_ms.toFixed(2), peer.rtt?.p95_ms.toFixed(2)
    ]), { rightAligned: ['rtt p50 ms', 'rtt p95 ms'] })}`,
    `routes (${inspection.routes.length})\n${formatTable(['destination', 'fingerprint', 'route', 'hops', 'cost ms', 'e2e p50 ms', 'e2e p95 ms'], sortedBy(inspection.routes, (route) => [nameOf(route.destination), route.destination]).map((route) => [
      nameOf(route.destination), route.destination.slice(0, 12), route.is_direct ? 'direct' : `via ${nameOf(route.next_hop)}`, route.path.length, route.cost_ms.toFixed(2),
      route.measured_rtt?.p50_ms.toFixed(2), route.measured_rtt?.p95_ms.toFixed(2)
    ]), { rightAligned: ['cost ms'] })}`
  ]
  if (inspection.claims !== undefined) sections.push(`claims (${inspection.claims.length})\n${formatTable(['id', 'status', 'domain', 'statement'], inspection.claims.map(claimRow))}`)
  sections.push(`recent events (${inspection.events.length})\n${formatTable(['seq', 'time (utc)', 'type', 'peer', 'details'], inspection.events.map((event) => [
    event.seq, event.occurred_at.slice(11, 23), event.event_type, nameOf(event.peer), detailsOf(event.payload)
  ]))}`)
  return sections.join('\n')
}

/** A copy of `items` in the order of their keys (compared part by part). */
function sortedBy<T> (items: readonly T[], keyOf: (item: T) => readonly string[]): T[] {
  const compare = (a: readonly string[], b: readonly string[]): number => {
    for (let i = 0; i < a.length; i++) {
      const [x = '', y = ''] = [a[i], b[i]]
      if (x !== y) return x < y ? -1 : 1
    }
    return 0
  }
  return [...items].sort((a, b) => compare(keyOf(a), keyOf(b)))
}

/** `key  value` lines, keys padded to the longest. */
function keyValues (pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...pairs.map(([key]) => key.length))
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n') + '\n'
}

function linkOf (peer: PeerJson): string {
  if (peer.link.is_linked) return `direct ${peer.link.direction ?? ''}${peer.link.is_handshaken ? '' : ', handshaking'}`.trim()
  return peer.link.is_handshaken ? 'routed' : 'none'
}

function claimRow (claim: unknown): Array<string | undefined> {
  const record = (typeof claim === 'object' && claim !== null ? claim : {}) as Record<string, unknown>
  const text = (key: string, max = 60): string | undefined => typeof record[key] === 'string' ? truncate(record[key], max) : undefined
  return [typeof record.id === 'string' ? record.id.slice(0, 12) : undefined, text('status'), text('domain'), text('statement')]
}

/** A payload as `key=value` pairs, values as JSON, cut to fit one table row. */
function detailsOf (payload: Record<string, unknown>): string {
  return truncate(Object.entries(payload).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' '), 100)
}

function truncate (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

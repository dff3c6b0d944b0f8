/**
 * Reading a node process through its admin API the way the fault tests need: every event
 * since a point (paging past the 1,000 a single `GET /v1/events` returns), one metric
 * sample, and this node's view of one peer.
 */
import type { EventJson, NodeProcess, PeerJson } from './node-process.ts'
import { parsePrometheusText } from './prometheus-text.ts'

/** Most events one `GET /v1/events` returns (`EVENTS_PAGE_LIMIT`). */
const EVENTS_PAGE = 1000

/** Every event of `node` after `since`, of the given types (all when none), oldest first. */
export async function eventsSince (node: NodeProcess, since = 0, types: readonly string[] = []): Promise<EventJson[]> {
  const wanted = new Set(types)
  const events: EventJson[] = []
  let cursor = since
  for (;;) {
    const page = await node.get(`/v1/events?since=${cursor}&limit=${EVENTS_PAGE}`) as EventJson[]
    events.push(...page.filter((event) => wanted.size === 0 || wanted.has(event.event_type)))
    const last = page.at(-1)
    if (last === undefined || page.length < EVENTS_PAGE) return events
    cursor = last.seq
  }
}

/** The `seq` of the newest event of `node` (0 before any). */
export async function lastEventSeq (node: NodeProcess): Promise<number> {
  const [last] = await node.get('/v1/events?tail=1') as EventJson[]
  return last?.seq ?? 0
}

/** The value of the sample `name{labels}` in Prometheus text, or 0 when the sample is absent (a counter never incremented). */
export function sampleValue (text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  for (const family of parsePrometheusText(text)) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) return sample.value
    }
  }
  return 0
}

/** One metric sample of `node` (see {@link sampleValue}). */
export async function metricOf (node: NodeProcess, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  return sampleValue(await node.metricsText(), name, labels)
}

/** How `node` sees the peer with `fingerprint`, or undefined when it never heard of it. */
export async function peerViewOf (node: NodeProcess, fingerprint: string): Promise<PeerJson | undefined> {
  return (await node.get('/v1/peers') as PeerJson[]).find((peer) => peer.fingerprint === fingerprint)
}

/** True when `node` has a completed handshake (direct or routed) with every one of `fingerprints`. */
export async function isHandshakenWith (node: NodeProcess, fingerprints: readonly string[]): Promise<boolean> {
  const peers = new Map((await node.get('/v1/peers') as PeerJson[]).map((peer) => [peer.fingerprint, peer]))
  return fingerprints.every((fingerprint) => peers.get(fingerprint)?.link.is_handshaken === true)
}

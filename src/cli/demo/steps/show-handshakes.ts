/**
 * Step 2: the multi-peer handshake. First every link of the line completes its CIP
 * handshake (both ends), then every node meets every other across the mesh (routed
 * handshakes, SPEC §15.1); the matrix shows each node's view, the links their RTT.
 */
import { formatTable } from '../../table.ts'
import { waitWithProgress } from '../demo-context.ts'
import type { DemoContext } from '../demo-context.ts'
import type { PeerJson } from '../api-types.ts'
import { formatHandshakeMatrix } from '../handshake-matrix.ts'
import type { HandshakeKind } from '../handshake-matrix.ts'

/** Waits for every direct, then every routed handshake; prints the matrix and the links. */
export async function showHandshakes (context: DemoContext): Promise<void> {
  const { plan, output, names } = context
  let peers = new Map<string, PeerJson[]>()
  const kindOf = (node: string, peer: string): HandshakeKind => {
    const seen = peers.get(node)?.find((candidate) => names.nameOf(candidate.fingerprint) === peer)
    if (seen?.link.is_handshaken !== true) return undefined
    return seen.link.is_linked ? 'direct' : 'routed'
  }
  const refresh = async (): Promise<void> => { peers = await peersOfAll(context) }
  await waitWithProgress(context, 'link handshakes', async () => {
    await refresh()
    return { done: plan.links.filter(([a, b]) => kindOf(a, b) === 'direct' && kindOf(b, a) === 'direct').length, total: plan.links.length }
  })
  output.say(`${plan.links.length} links handshaken: ${plan.links.map(([a, b]) => `${a} — ${b}`).join(', ')}`)
  const pairs = plan.names.flatMap((node) => plan.names.filter((peer) => peer !== node).map((peer) => [node, peer] as const))
  await waitWithProgress(context, 'every node to meet every node', async () => {
    await refresh()
    return { done: pairs.filter(([node, peer]) => kindOf(node, peer) !== undefined).length, total: pairs.length }
  })
  output.say(`every node has handshaken with every other (${pairs.length} views): direct over a link, routed across the mesh`)
  output.say(formatHandshakeMatrix(plan.names, kindOf))
  output.say(formatTable(['link', 'rtt p50 ms', 'rtt p95 ms', 'trust a→b', 'trust b→a'], plan.links.map(([a, b]) => {
    const view = (from: string, to: string): PeerJson | undefined => peers.get(from)?.find((peer) => names.nameOf(peer.fingerprint) === to)
    const ab = view(a, b)
    return [`${a} — ${b}`, ab?.rtt?.p50_ms.toFixed(2), ab?.rtt?.p95_ms.toFixed(2), trustText(ab), trustText(view(b, a))]
  }), { rightAligned: ['rtt p50 ms', 'rtt p95 ms'] }))
}

async function peersOfAll (context: DemoContext): Promise<Map<string, PeerJson[]>> {
  const entries = await Promise.all(context.plan.names.map(async (name) => {
    const peers = await context.cluster.node(name).request('/v1/peers', { signal: context.signal }) as PeerJson[]
    return [name, peers] as const
  }))
  return new Map(entries)
}

function trustText (peer: PeerJson | undefined): string | undefined {
  return peer === undefined ? undefined : `${peer.trust}${peer.is_pinned ? ' (pinned)' : ''}`
}

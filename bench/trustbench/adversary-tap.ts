/**
 * What adversary identities do with the network (TRUSTBENCH §2 "adversary identities
 * receive nothing; the harness drives them"). While the world is built they take part in
 * the real handshakes — direct and routed — and relay mesh carriers, but they relay no
 * one else's LSA and read each distinct control frame once; once the world is built they
 * receive nothing. Without this, every Sybil would re-flood every LSA over its 20 links
 * and each honest node would verify each LSA once per adversary neighbour: S5 at N = 50
 * spent almost three minutes building its world, and none of it is trust policy.
 */
import { createHash } from 'node:crypto'
import type { FrameTap } from './network.ts'

/** First bytes of an LSA record: canonical JSON sorts `addresses` first. */
const LSA_PREFIX = Buffer.from('{"addresses":')

/** The tap of one adversary identity; `isBuilt` turns its inbound side off for good. */
export function adversaryTap (fingerprint: string, isBuilt: () => boolean): Required<FrameTap> {
  const seen = new Set<string>()
  return {
    onSend: (_peerId, channel, body) => channel === 'control' && isLsa(body) && originOf(body) !== fingerprint,
    onReceive: (_link, channel, body) => {
      if (isBuilt()) return true
      if (channel !== 'control' || !isLsa(body)) return false
      // Copies of one LSA are byte-identical (canonical JSON): the database would call them duplicates.
      const key = createHash('sha256').update(body).digest('base64')
      if (seen.has(key)) return true
      seen.add(key)
      return false
    }
  }
}

const ORIGIN_MARK = '"origin":"'

/** The `origin` of an LSA record's bytes ('' when absent). */
function originOf (body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
  const at = text.indexOf(ORIGIN_MARK)
  return at === -1 ? '' : text.slice(at + ORIGIN_MARK.length, at + ORIGIN_MARK.length + 64)
}

/** True for the bytes of a routed-handshake carrier (the sparse-handshake variant forbids them). */
export function isRoutedHello (body: Uint8Array): boolean {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(ROUTED_HELLO_MARK)
}

const ROUTED_HELLO_MARK = Buffer.from('"type":"MESH_HELLO"')

function isLsa (body: Uint8Array): boolean {
  if (body.length < LSA_PREFIX.length) return false
  for (let i = 0; i < LSA_PREFIX.length; i++) if (body[i] !== LSA_PREFIX[i]) return false
  return true
}

/**
 * Memory addresses: `/memory/<name>`, optionally followed by `/p2p/<peerId>` the way a
 * libp2p multiaddr names its peer. Pure.
 */

const ADDRESS = /^\/memory\/([^/]+)(?:\/p2p\/([^/]+))?$/

/** The parts of a memory address. */
export interface MemoryAddress {
  name: string
  /** The peer the dialer expects to find there, when the address names one. */
  peerId: string | undefined
}

/** The parts of `address`, or undefined when it is not a memory address. */
export function parseMemoryAddress (address: string): MemoryAddress | undefined {
  const match = ADDRESS.exec(address)
  const name = match?.[1]
  if (name === undefined) return undefined
  return { name, peerId: match?.[2] }
}

/** `/memory/<name>/p2p/<peerId>`. */
export function formatMemoryAddress (name: string, peerId: string): string {
  return `/memory/${name}/p2p/${peerId}`
}

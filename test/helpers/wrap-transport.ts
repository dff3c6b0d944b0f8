/**
 * A link transport that delegates to `inner` except where the test overrides `start`
 * (to see or change the handlers a node gives its transport) or `send` (to see or change
 * what the node sends).
 */
import type { LinkTransport } from '../../src/transport/link-transport.ts'

/** `inner` with `start` and/or `send` replaced; every other member delegates. */
export function wrapTransport (inner: LinkTransport, overrides: Partial<Pick<LinkTransport, 'start' | 'send'>>): LinkTransport {
  return {
    get localPeerId () { return inner.localPeerId },
    start: overrides.start ?? (async (handlers) => { await inner.start(handlers) }),
    stop: async () => { await inner.stop() },
    listenAddresses: () => inner.listenAddresses(),
    dial: async (address, options) => await inner.dial(address, options),
    send: overrides.send ?? (async (peerId, channel, body, options) => { await inner.send(peerId, channel, body, options) }),
    close: async (peerId, reason) => { await inner.close(peerId, reason) },
    links: () => inner.links(),
    queuedBytes: (peerId, channel) => inner.queuedBytes(peerId, channel)
  }
}

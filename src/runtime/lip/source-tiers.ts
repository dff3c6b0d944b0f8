/**
 * The receiver's own LIP source tiers (SPEC §15.13): a table by URI host, default
 * `unknown`. A tier the sender declares can only lower the receiver's tier, never raise it.
 */
import type { LipTrustTier } from '../../protocol/envelope/types.ts'
import { DEFAULT_SOURCE_TIER } from './constants.ts'
import { isLipTrustTier, lowerTier } from './tier-order.ts'

/** How the table's entries may be given: `[host pattern, tier]` pairs or a record. */
export type SourceTierEntries = Iterable<readonly [string, LipTrustTier]> | Readonly<Record<string, LipTrustTier>>

/** What the liminal queue needs of a tier table. */
export interface SourceTierLookup {
  /** The tier evidence from `uri` gets at this receiver, given the tier its sender declared. */
  effectiveTier: (uri: string, declaredTier: LipTrustTier) => LipTrustTier
}

const WILDCARD_PREFIX = '*.'
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/

/**
 * The receiver's tier for each host. A pattern is a host (`example.org`, matched
 * exactly) or `*.` and a parent domain (`*.example.org`, matching every subdomain at
 * any depth but not `example.org` itself). The most specific matching entry gives the
 * tier, except that `blocked` always wins: a blocked parent domain blocks every host
 * under it, whatever a more specific entry says (deny overrides, fail closed).
 */
export class SourceTierTable implements SourceTierLookup {
  readonly #exact = new Map<string, LipTrustTier>()
  readonly #parents = new Map<string, LipTrustTier>()

  /** @throws {RangeError} when a pattern is not a host or `*.host`, or a tier is not a LIP tier */
  constructor (entries: SourceTierEntries = []) {
    const pairs = Symbol.iterator in entries ? entries : Object.entries(entries)
    for (const [pattern, tier] of pairs) this.set(pattern, tier)
  }

  /**
   * Sets the tier of a host pattern, replacing any earlier one.
   *
   * @throws {RangeError} when the pattern is not a host or `*.host`, or the tier is not a LIP tier
   */
  set (pattern: string, tier: LipTrustTier): void {
    if (!isLipTrustTier(tier)) throw new RangeError(`Cannot set source tier of "${pattern}": "${String(tier)}" is not a LIP trust tier`)
    const { map, host } = this.#slotOf(pattern)
    map.set(host, tier)
  }

  /**
   * Removes a host pattern; true when it was there.
   *
   * @throws {RangeError} when the pattern is not a host or `*.host`
   */
  delete (pattern: string): boolean {
    const { map, host } = this.#slotOf(pattern)
    return map.delete(host)
  }

  /** Every entry as `[pattern, tier]`, exact hosts first, each group sorted. */
  entries (): [string, LipTrustTier][] {
    const sorted = (map: Map<string, LipTrustTier>, prefix: string): [string, LipTrustTier][] =>
      [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([host, tier]) => [prefix + host, tier])
    return [...sorted(this.#exact, ''), ...sorted(this.#parents, WILDCARD_PREFIX)]
  }

  /** The receiver's own tier for `uri`'s host; `unknown` for an unlisted host or a URI without a host. */
  tierOf (uri: string): LipTrustTier {
    const host = hostOfUri(uri)
    if (host === undefined) return DEFAULT_SOURCE_TIER
    const matches: LipTrustTier[] = []
    const exact = this.#exact.get(host)
    if (exact !== undefined) matches.push(exact)
    // Parent domains, most specific first; an IP address has none.
    if (!IPV4.test(host) && !host.startsWith('[')) {
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        const tier = this.#parents.get(host.slice(dot + 1))
        if (tier !== undefined) matches.push(tier)
      }
    }
    if (matches.includes('blocked')) return 'blocked'
    return matches[0] ?? DEFAULT_SOURCE_TIER
  }

  /**
   * The tier evidence from `uri` gets here: the receiver's own tier, lowered to
   * `declaredTier` when the sender declares lower (SPEC §15.13). A declared tier outside
   * the vocabulary counts as `unknown`.
   */
  effectiveTier (uri: string, declaredTier: LipTrustTier): LipTrustTier {
    return lowerTier(this.tierOf(uri), isLipTrustTier(declaredTier) ? declaredTier : 'unknown')
  }

  #slotOf (pattern: string): { map: Map<string, LipTrustTier>, host: string } {
    const isWildcard = pattern.startsWith(WILDCARD_PREFIX)
    const host = normalizeHostPattern(isWildcard ? pattern.slice(WILDCARD_PREFIX.length) : pattern)
    if (host === undefined || (isWildcard && (IPV4.test(host) || host.startsWith('[')))) {
      throw new RangeError(`Cannot use source tier pattern "${pattern}": not a host or "*." and a domain`)
    }
    return { map: isWildcard ? this.#parents : this.#exact, host }
  }
}

/** The host of a URI in the table's form (lower case, no trailing dot), or undefined for a malformed URI or one without a host. */
export function hostOfUri (uri: string): string | undefined {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  return host === '' ? undefined : host
}

// A bare host as `URL` normalises it (IDN to punycode, IPv4 forms to dotted decimal), or
// undefined for anything else: a port, path, user info or wildcard is not part of a host.
function normalizeHostPattern (text: string): string | undefined {
  if (text === '' || /[*/?#@\s\\]/.test(text)) return undefined
  if (text.startsWith('[') ? !text.endsWith(']') : text.includes(':')) return undefined
  return hostOfUri(`http://${text}`)
}

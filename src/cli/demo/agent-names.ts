/** Fingerprints as the demo's agent ids, for people (pure). */

/** Characters of a fingerprint shown for a node the demo does not know. */
const SHORT_FINGERPRINT_CHARS = 12
/** Shortest fingerprint prefix {@link AgentNames.annotate} names (the introduction reason quotes 16). */
const MIN_ANNOTATED_PREFIX_CHARS = 8
const QUOTED_FINGERPRINT = new RegExp(`"([0-9a-f]{${MIN_ANNOTATED_PREFIX_CHARS},64})"`, 'g')

/** The demo's nodes by fingerprint. */
export class AgentNames {
  readonly #byFingerprint = new Map<string, string>()

  /** Remembers that `fingerprint` is `name`. */
  add (fingerprint: string, name: string): void {
    this.#byFingerprint.set(fingerprint, name)
  }

  /** The agent id of `fingerprint`, or its first 12 hex digits and `…`; `-` for null. */
  nameOf (fingerprint: string | null | undefined): string {
    if (fingerprint === null || fingerprint === undefined) return '-'
    return this.#byFingerprint.get(fingerprint) ?? `${fingerprint.slice(0, SHORT_FINGERPRINT_CHARS)}…`
  }

  /** A route as `ann → bob → cat`: `from`, then each hop (the destination last). */
  route (from: string, hops: readonly string[]): string {
    return [from, ...hops.map((hop) => this.nameOf(hop))].join(' → ')
  }

  /** `text` with each quoted fingerprint (or prefix of ≥ 8 hex digits) of a known node followed by its name: `"2d9dba4d…" (bob)`. */
  annotate (text: string): string {
    return text.replace(QUOTED_FINGERPRINT, (quoted, prefix: string) => {
      const matches = [...this.#byFingerprint].filter(([fingerprint]) => fingerprint.startsWith(prefix))
      const [match] = matches
      return match === undefined || matches.length > 1 ? quoted : `${quoted} (${match[1]})`
    })
  }
}

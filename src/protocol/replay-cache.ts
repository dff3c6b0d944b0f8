/**
 * The replay seen-cache (SPEC §3, DESIGN §6): remembers `(sender, msg_id)` for the replay
 * window, bounded per sender and in all, and **fails closed** — when it is full, new
 * messages are refused rather than forgotten. Pure: time is passed in.
 *
 * @example
 * ```ts
 * const cache = createReplayCache()
 * cache.checkAndRecord(fingerprint, msgId, clock.now()) // throws ReplayError on a replay
 * ```
 */
import { REPLAY_MAX_ENTRIES, REPLAY_MAX_PER_SENDER, REPLAY_WINDOW_MS } from './constants.ts'
import { ReplayError } from './errors.ts'

export interface ReplayCacheInit {
  /** How long a seen msg_id is remembered. @default REPLAY_WINDOW_MS (300 s) */
  windowMs?: number
  /** Most msg_ids remembered for one sender. @default REPLAY_MAX_PER_SENDER (65,536) */
  maxPerSender?: number
  /** Most msg_ids remembered in all. @default REPLAY_MAX_ENTRIES (524,288) */
  maxEntries?: number
}

/** One remembered message, as persisted and restored. */
export interface ReplayEntry {
  sender: string
  msgId: string
  expiresAt: number
}

export interface ReplayCache {
  /**
   * Refuses a message already seen inside the window, or one the cache cannot
   * remember; otherwise remembers it. Call only after the signature checked out.
   *
   * @throws {ReplayError} with reason `replay`, `sender_cache_full` or `cache_full`
   */
  checkAndRecord: (sender: string, msgId: string, nowMs: number) => void
  /** True when `(sender, msgId)` is remembered and unexpired at `nowMs`. */
  has: (sender: string, msgId: string, nowMs: number) => boolean
  /** The unexpired entries, oldest first (for persistence). */
  entries: (nowMs: number) => ReplayEntry[]
  /** Remembers entries restored from disk; expired ones are skipped. */
  restore: (entries: Iterable<ReplayEntry>, nowMs: number) => void
  /** How many entries are remembered. */
  readonly size: number
}

/** A replay cache with the limits of `init`. @throws {RangeError} when a limit is not a positive integer */
export function createReplayCache (init: ReplayCacheInit = {}): ReplayCache {
  const config: Required<ReplayCacheInit> = {
    windowMs: init.windowMs ?? REPLAY_WINDOW_MS,
    maxPerSender: init.maxPerSender ?? REPLAY_MAX_PER_SENDER,
    maxEntries: init.maxEntries ?? REPLAY_MAX_ENTRIES
  }
  for (const [field, value] of Object.entries(config)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Cannot create replay cache: "${field}" must be a positive integer, got ${value}`)
  }
  return new BoundedReplayCache(config)
}

class BoundedReplayCache implements ReplayCache {
  readonly #config: Required<ReplayCacheInit>
  /** key → expiry; insertion order is expiry order while the clock moves forward. */
  readonly #expiries = new Map<string, number>()
  readonly #perSender = new Map<string, number>()

  constructor (config: Required<ReplayCacheInit>) {
    this.#config = config
  }

  get size (): number {
    return this.#expiries.size
  }

  has (sender: string, msgId: string, nowMs: number): boolean {
    this.#prune(nowMs)
    const expiresAt = this.#expiries.get(keyOf(sender, msgId))
    return expiresAt !== undefined && expiresAt > nowMs
  }

  checkAndRecord (sender: string, msgId: string, nowMs: number): void {
    if (this.has(sender, msgId, nowMs)) {
      throw new ReplayError(`Cannot accept message "${msgId}": already seen from this sender`, { reason: 'replay', msgId, fingerprint: sender })
    }
    if (this.#expiries.size >= this.#config.maxEntries) {
      throw new ReplayError(`Cannot accept message "${msgId}": replay cache is full`, { reason: 'cache_full', msgId, limit: this.#config.maxEntries })
    }
    const count = this.#perSender.get(sender) ?? 0
    if (count >= this.#config.maxPerSender) {
      throw new ReplayError(`Cannot accept message "${msgId}": replay cache is full for this sender`, { reason: 'sender_cache_full', msgId, fingerprint: sender, limit: this.#config.maxPerSender })
    }
    this.#remember(sender, msgId, nowMs + this.#config.windowMs)
  }

  entries (nowMs: number): ReplayEntry[] {
    this.#prune(nowMs)
    return [...this.#expiries].map(([key, expiresAt]) => {
      const [sender, msgId] = splitKey(key)
      return { sender, msgId, expiresAt }
    })
  }

  restore (entries: Iterable<ReplayEntry>, nowMs: number): void {
    const sorted = [...entries].filter((entry) => entry.expiresAt > nowMs).sort((a, b) => a.expiresAt - b.expiresAt)
    for (const entry of sorted) {
      if (this.#expiries.size >= this.#config.maxEntries) break
      if (!this.#expiries.has(keyOf(entry.sender, entry.msgId))) this.#remember(entry.sender, entry.msgId, entry.expiresAt)
    }
  }

  #remember (sender: string, msgId: string, expiresAt: number): void {
    this.#expiries.set(keyOf(sender, msgId), expiresAt)
    this.#perSender.set(sender, (this.#perSender.get(sender) ?? 0) + 1)
  }

  #prune (nowMs: number): void {
    for (const [key, expiresAt] of this.#expiries) {
      if (expiresAt > nowMs) break
      this.#expiries.delete(key)
      const [sender] = splitKey(key)
      const count = (this.#perSender.get(sender) ?? 1) - 1
      if (count === 0) this.#perSender.delete(sender)
      else this.#perSender.set(sender, count)
    }
  }
}

// Fingerprints are hex and msg_ids UUIDs, so a space cannot occur in either.
function keyOf (sender: string, msgId: string): string {
  return `${sender} ${msgId}`
}

function splitKey (key: string): [string, string] {
  const space = key.indexOf(' ')
  return [key.slice(0, space), key.slice(space + 1)]
}

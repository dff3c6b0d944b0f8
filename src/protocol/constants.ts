/**
 * Protocol limits and windows (DESIGN §6). Every bound is listed in docs/LIMITS.md with
 * the reason for its value.
 */

/** Version tags of the four envelope families (SPEC §4). */
export const PROTOCOL_VERSION = '1.0'

/** Largest envelope on the wire, in bytes. */
export const MAX_ENVELOPE_BYTES = 64 * 1024
/** Largest message of any kind, in bytes; refused before it is allocated. */
export const MAX_MESSAGE_BYTES = 1024 * 1024
/** Largest link-state advertisement, in bytes. */
export const MAX_LSA_BYTES = 16 * 1024
/** Deepest JSON nesting accepted. */
export const MAX_JSON_DEPTH = 32
/** Most members in one JSON object. */
export const MAX_OBJECT_KEYS = 256
/** Most items in one JSON array. */
export const MAX_ARRAY_ITEMS = 1024
/** Longest JSON string, in UTF-16 code units. */
export const MAX_STRING_CHARS = 64 * 1024

/** How far an envelope's timestamp may be from local time, either way. */
export const TIMESTAMP_SKEW_MS = 120_000
/** How long a seen `(sender, msg_id)` is remembered; at least twice the skew window. */
export const REPLAY_WINDOW_MS = 300_000
/** Most remembered msg_ids per sender (200/s for 300 s) before that sender is refused (fail closed). */
export const REPLAY_MAX_PER_SENDER = 65_536
/** Most remembered msg_ids in all before everyone is refused (fail closed). */
export const REPLAY_MAX_ENTRIES = 524_288

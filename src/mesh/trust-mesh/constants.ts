/**
 * Tunables of the distributed TrustFSM (SPEC §15.6, §15.7, §15.14), each with its unit
 * in the name and the reason for its value. TrustBench (TRUSTBENCH.md §3.7) judges them:
 * honest peers err at ε_v = 2 % (verdicts) and ε_p = 5 % (proposals), one round is 1 s,
 * a claim reaches acceptance in about 3 s (1 s delivery + the 2 s challenge window).
 */
import { MAX_ENVELOPE_BYTES } from '../../protocol/constants.ts'

/**
 * Novel accepted claims a `probing` peer needs before `verified_knowledge` (SPEC §15.6
 * "at least 2 accepted novel claims"; TrustBench COST "excellent" asks ≥ 2 at each
 * promoting observer). Re-proposed statements and confirmations never count.
 */
export const MIN_NOVEL_ACCEPTED_CLAIMS = 2

/**
 * Time a peer must have spent in `probing` before `verified_knowledge`, in ms (SPEC
 * §15.6 "a minimum tenure in probing").
 *
 * TrustBench COST "excellent" asks a tenure of ≥ 3 rounds (3 s). Five seconds is the
 * 3 s a first claim needs to be accepted, plus one more 2 s challenge window, so a late
 * challenge (SPEC §15.5) against the claims that earned the credit can still land and
 * revoke it before the promotion. It stays short enough that honest coverage is not
 * held back: an honest peer needs ~10 rounds to propose two claims anyway.
 */
export const MIN_PROBING_TENURE_MS = 5_000

/**
 * Refuted actions within {@link ANOMALY_WINDOW_MS} that demote a peer one step
 * (`trusted → probing` on `temporary_anomaly`, `probing → untrusted` on `conflict`;
 * SPEC §15.7 "one refuted claim or confirmation → trusted → probing at most").
 *
 * Four, not one: an honest peer makes ~1 verdict per round and gets ~0.02–0.06 of them
 * refuted per round (TrustBench S0, N = 50…10). Demoting on every single refutation
 * would demote each trusted honest peer every ~40 rounds — ~35 honest demotions per
 * observer per 100 rounds at N = 25, against the HD target of ≤ 1 (must ≤ 5) — and
 * would make a `probing` honest peer `untrusted` for the 60 s cooldown, rejecting its
 * claims. Three was measured too tight at N = 10: TrustBench's quick tier saw an honest
 * node demoted at every observer (HD 1.125) and another made `untrusted` by three
 * unlucky false proposals within 5 s; four removed both. A flipped adversary (S4)
 * collects ~6 refutations per identity in its first resolution round (its lie,
 * colluding confirmations, slanders), so it is still demoted in that very round,
 * whatever credit it farmed before: the count ignores good actions (measured: S4
 * recovery in 3–4 rounds at N = 25).
 */
export const ANOMALY_MIN_REFUTED_ACTIONS = 4

/**
 * Sliding window for {@link ANOMALY_MIN_REFUTED_ACTIONS}, in ms: five rounds, i.e. the
 * claims of about two challenge windows resolving together. Short, so that old errors
 * of an honest peer never add up with new ones.
 */
export const ANOMALY_WINDOW_MS = 5_000

/**
 * Refuted actions within {@link SUSTAINED_REFUTATION_WINDOW_MS} needed for
 * `sustained_refutation` (→ `blacklisted`, SPEC §15.7 "a sustained majority of refuted
 * actions"); they must also outnumber the peer's good actions in that window, form
 * {@link SUSTAINED_REFUTATION_MIN_BURSTS} bursts and span {@link SUSTAINED_REFUTATION_MIN_SPAN_MS}.
 *
 * Blacklisting is final without a human and TrustBench I2 (HB = 0) is a hard
 * invariant, while a missed blacklisting costs little (the anomaly rule has already
 * made the peer `untrusted`). So the bar is high: at ε = 0.02, five refutations that
 * outnumber the upheld actions need ≥ 5 errors in ≤ 9 actions (≈ 4·10⁻⁷ per window).
 */
export const SUSTAINED_REFUTATION_MIN = 5

/**
 * Separate bursts (each {@link ANOMALY_MIN_REFUTED_ACTIONS} refutations within
 * {@link ANOMALY_WINDOW_MS}) a sustained majority must contain.
 *
 * "Sustained" means the anomaly came back after a demotion, not errors that merely piled
 * up. This keeps I2 safe even when few good actions are reported to weigh against the
 * refutations: at N = 50 an honest peer with only its ~3 accepted proposals per 30 s as
 * ballast would otherwise reach five refutations about 0.15 times per 40-round run
 * (Poisson estimate), whereas two bursts within 30 s need ~10⁻⁶ per peer per round.
 * Every TrustBench adversary that lies bursts every round or two.
 */
export const SUSTAINED_REFUTATION_MIN_BURSTS = 2

/**
 * The window over which a refuted majority is judged, in ms: 30 rounds, so an honest
 * peer (~1 action per round) has ~30 actions in it and a majority of errors is out of
 * reach, while an adversary's farmed good actions (S4 farms 20 rounds) have aged out
 * well within a minute of its flip. Also the retention of the action log.
 */
export const SUSTAINED_REFUTATION_WINDOW_MS = 30_000

/**
 * Least time between the first and the last of the refutations that make a sustained
 * majority, in ms: "sustained" means over several rounds (two anomaly windows), not one
 * burst — an honest peer caught on the losing side of a single bad round of
 * resolutions is demoted at most, never blacklisted.
 */
export const SUSTAINED_REFUTATION_MIN_SPAN_MS = 10_000

/**
 * Most actions kept per peer, oldest dropped first. An honest peer has ~30 in the
 * 30 s window and a colluding adversary ~200 (7 per round); 512 bounds memory per peer
 * (~50 KiB) without ever truncating a window in TrustBench.
 */
export const MAX_ACTIONS_PER_PEER = 512

/**
 * Most promotion credits (novel accepted claims) kept per peer, newest kept. Promotion
 * needs {@link MIN_NOVEL_ACCEPTED_CLAIMS} more than the refutations since probation
 * began; 16 covers that with room and bounds memory.
 */
export const MAX_CREDITS_PER_PEER = 16

/**
 * Most peers the ledger tracks; the least recently active is forgotten first. SPEC §14
 * caps a mesh at 50 nodes and TrustBench S5 adds σ = N Sybils; 1,024 is 10× that, so
 * only a flood of throwaway identities evicts, and those evict each other.
 */
export const MAX_TRACKED_PEERS = 1_024

/**
 * Most msg_ids recorded as the cause of one proposed trust event: enough to audit it
 * (TrustBench PROP, FORGE) without making one log line unbounded.
 */
export const MAX_CAUSE_MSG_IDS = 32

/**
 * Largest encoded evidence message, in bytes: two envelopes at their wire cap
 * (`MAX_ENVELOPE_BYTES`, 64 KiB each) plus 1 KiB for the wrapper. Refused before parsing.
 */
export const MAX_EVIDENCE_BYTES = 2 * MAX_ENVELOPE_BYTES + 1_024

/**
 * Tunables of deferred acceptance (SPEC §15.3, §15.4, §15.11, §15.14), each with its
 * unit in the name where it has one, and the reason for its value. Weights are in
 * "votes": an ordinary trusted peer's verdict is one vote.
 */

/**
 * How long a claim stays at least `pending` after it became visible here, in ms
 * (SPEC §15.3 default). Claim messages cross the mesh in about one round (TrustBench:
 * 1 s), so 2 s lets the challenges of every peer that saw the claim with it arrive
 * before anything is accepted, while a proposal is still accepted three rounds after it
 * was sent (TrustBench S0 asks for a median time to accept of 3 rounds).
 */
export const CHALLENGE_WINDOW_MS = 2_000

/** Weight of a verdict from a peer `trusted` here: one vote (SPEC §15.4). */
export const TRUSTED_WEIGHT = 1

/**
 * Weight of a verdict from a pinned root that is `trusted` here (SPEC §15.4: "pinned
 * roots … weigh most"). A human vouched for roots and they are never demoted
 * automatically (SPEC §15.8), so one root's challenge holds a claim `disputed` against
 * up to nine ordinary confirmers (a clear win needs 2 × 5 = 10). Five, not three: with
 * three, ten colluding identities that farmed `trusted` (TrustBench S4 m = 0.4, S5)
 * stalemated the three roots' side (17 against 10: no clear 2× win), so no lie was ever
 * refuted, nobody was demoted, and slander kept honest claims `disputed` at the roots
 * for the rest of the run; with five, recovery takes 3 rounds and no scenario's false
 * acceptance rose (TrustBench quick tier, `docs/BENCHMARKS.md`).
 */
export const PINNED_ROOT_WEIGHT = 5

/**
 * Weight of this node's own verification (SPEC §15.4: "this node's own verification
 * weigh[s] most"). First-hand evidence is worth as much here as a root's word: a node
 * that checked a claim itself is not outvoted by two or three trusted peers that may
 * have been farmed (TrustBench S4).
 */
export const OWN_VERIFICATION_WEIGHT = 3

/**
 * A side wins a dispute clearly only with at least this many times the other side's
 * weight (SPEC §15.4 "the losing side is penalised only when the margin is clear").
 * Two to one: one dissenting vote is not outvoted by two, so a single erroneous
 * verdict (TrustBench: 2 % of honest verdicts are flipped) cannot settle a dispute.
 */
export const DISPUTE_MARGIN_RATIO = 2

/**
 * …and with at least this many more votes than the other side. With
 * {@link DISPUTE_MARGIN_RATIO} alone one lone trusted challenge (1 vs 0) would refute a
 * claim; two votes means two ordinary peers, or one root or this node's own
 * verification, must carry the decision.
 */
export const DISPUTE_MARGIN_MIN = 2

/**
 * Distinct counted confirmers needed to accept (SPEC §7(3) "confirmed by ≥ 2 trusted
 * peers"; SPEC §15.11: this node's own verification counts as one). Also TrustBench I5.
 */
export const MIN_TRUSTED_CONFIRMATIONS = 2

/**
 * Claims one ledger holds; new claims beyond it are refused with a
 * `BackpressureError` (`claim_ledger_full`). A record with its verdicts is about 1–2 KiB,
 * so the bound caps the ledger near 200 MiB, while TrustBench's largest cell creates
 * about 500 claims and a 50-node mesh (SPEC §14) proposing one claim a minute each
 * takes over a day to reach it.
 */
export const MAX_CLAIMS = 100_000

/**
 * Distinct peers whose verdicts one claim keeps; more are refused with a
 * `BackpressureError` (`claim_verdicts_full`). Five times the 50-node scope of
 * SPEC §14, which leaves room for TrustBench's Sybils (σ = N extra identities).
 */
export const MAX_VERDICTS_PER_CLAIM = 256

/**
 * Verdicts held for claims whose FACT_PROPOSE has not arrived yet (a mesh may deliver
 * a confirmation before its proposal); the oldest claim's buffered verdicts go first
 * when it is full. Sixteen full claims' worth of early verdicts: arrival reordering
 * spans a round or two, not thousands of claims.
 */
export const MAX_EARLY_VERDICTS = 4_096

/**
 * How far back `KnowledgeService.reannounce()` reaches, in ms: claims that became visible
 * here within it are sent again when a lost node becomes reachable (a healed partition,
 * a restarted node). Ten minutes covers any partition the heartbeat and link state
 * detect and heal in normal operation; older claims were settled long ago on both sides.
 */
export const REANNOUNCE_WINDOW_MS = 600_000

/** Most envelopes one `reannounce()` sends: a bounded burst, newest claims first. */
export const REANNOUNCE_MAX = 64

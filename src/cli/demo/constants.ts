/** Bounds and defaults of `web4mesh demo` (DESIGN §4: well inside a minute, nothing left behind). */

/** Agent ids of the demo's nodes, in line order: the observer first, the far end last. */
export const DEMO_AGENT_IDS = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon'] as const
/** Nodes the demo starts unless `--nodes` says otherwise. */
export const DEMO_DEFAULT_NODES = 5
/** Fewest nodes the story needs: two roots of the observer with a node between them, and one beyond. */
export const DEMO_MIN_NODES = 5
/** Most nodes the demo starts (one agent id each). */
export const DEMO_MAX_NODES = DEMO_AGENT_IDS.length
/** Longest wait for one node process to write its `node.json`. */
export const DEMO_NODE_READY_TIMEOUT_MS = 20_000
/** Longest wait for one step's condition (handshakes, routes, trust, the claim). */
export const DEMO_STEP_TIMEOUT_MS = 15_000
/** How often a wait asks the nodes again. */
export const DEMO_POLL_INTERVAL_MS = 100
/** Longest wait for one admin API request. */
export const DEMO_REQUEST_TIMEOUT_MS = 5_000
/** How long a node may take to stop after SIGTERM before it gets SIGKILL. */
export const DEMO_STOP_GRACE_MS = 3_000
/** Prefix of the demo's temporary directory under the OS temp dir. */
export const DEMO_TEMP_PREFIX = 'web4mesh-demo-'
/** Exit code after SIGINT (128 + 2), as shells report it. */
export const SIGINT_EXIT_CODE = 130
/** Exit code after SIGTERM (128 + 15). */
export const SIGTERM_EXIT_CODE = 143

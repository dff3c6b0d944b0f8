/**
 * Mesh RTT (the brief's `mesh_rtt`): end-to-end round trips measured by delivery
 * receipts, and the view that puts them next to link heartbeats and advertised path
 * costs. Per-link heartbeat RTT itself lives in `src/transport/` (link supervisor).
 */
export { PATH_RTT_MAX_DESTINATIONS, PATH_RTT_WINDOW_SAMPLES } from './constants.ts'
export { meshRttView } from './mesh-rtt-view.ts'
export type { MeshRttEntry, MeshRttSources } from './mesh-rtt-view.ts'
export { PathRttTable } from './path-rtt-table.ts'
export type { PathRtt, PathRttTableInit } from './path-rtt-table.ts'

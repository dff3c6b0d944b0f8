/** Defaults of the node's configuration and data directory (DESIGN §4). */

/** Where a node keeps its files unless told otherwise. */
export const DEFAULT_DATA_DIR = './.web4mesh'
/** The libp2p listen address unless told otherwise. */
export const DEFAULT_LISTEN_ADDR = '/ip4/0.0.0.0/tcp/4701'
/** The admin API's address unless told otherwise. */
export const DEFAULT_ADMIN_ADDR = '127.0.0.1:4702'
/** Version of the `config.json` format. */
export const CONFIG_VERSION = 1
/** Longest agent id, in characters. */
export const MAX_AGENT_ID_CHARS = 128
/** Longest config file, in bytes. */
export const MAX_CONFIG_BYTES = 64 * 1024

/** File names inside the data directory (DESIGN §4). */
export const DATA_FILES = Object.freeze({
  identity: 'identity.key',
  config: 'config.json',
  database: 'mesh.db',
  adminToken: 'admin.token',
  nodeInfo: 'node.json'
})

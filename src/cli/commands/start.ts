/**
 * `web4mesh start --data DIR [--listen MULTIADDR]… [--peer MULTIADDR]… [--admin HOST:PORT]
 * [--trust FINGERPRINT]…` (DESIGN §4): runs a node until SIGINT / SIGTERM, then shuts
 * down cleanly. `node.json` is written once the node and its admin API are ready and
 * removed at shutdown. Logs are pino JSON lines on stdout.
 */
import { Option } from 'commander'
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { loadDataDir } from '../../config/data-dir.ts'
import { parseHostPort } from '../../config/node-config.ts'
import { loadOrCreateAdminToken, removeNodeInfo, writeNodeInfo } from '../../config/runtime-files.ts'
import { createAdminServer } from '../../admin/server.ts'
import { createMeshNode } from '../../node.ts'
import { isFingerprint } from '../../protocol/identity/index.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { createPinoLogger, LOG_LEVELS } from '../logging.ts'
import type { LogLevel } from '../logging.ts'

interface StartOptions {
  data: string
  listen: string[]
  peer: string[]
  admin?: string
  trust: string[]
  logLevel: LogLevel
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Registers `start` on `program`. */
export function registerStart (program: Command): void {
  program.command('start')
    .description('run a mesh node until SIGINT or SIGTERM')
    .option('--data <dir>', 'data directory (see "web4mesh init")', DEFAULT_DATA_DIR)
    .option('--listen <multiaddr>', 'libp2p listen address, repeatable (default: config, else /ip4/0.0.0.0/tcp/4701)', collect, [])
    .option('--peer <multiaddr>', 'peer to dial and keep linked, repeatable', collect, [])
    .option('--admin <host:port>', 'admin API address on loopback; port 0 picks one (default: config, else 127.0.0.1:4702)')
    .option('--trust <fingerprint>', 'pinned trust root, repeatable', collect, [])
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .action(async (options: StartOptions) => { await runStart(options) })
}

async function runStart (options: StartOptions): Promise<void> {
  for (const fingerprint of options.trust) {
    if (!isFingerprint(fingerprint)) throw new CliError(`Cannot start: --trust "${fingerprint}" is not a fingerprint (64 lowercase hex)`, USAGE_EXIT_CODE)
  }
  const dataDir = await loadDataDir(options.data)
  const adminAddress = parseHostPort(options.admin ?? dataDir.config.admin)
  if (adminAddress === undefined) throw new CliError(`Cannot start: --admin "${options.admin ?? ''}" is not HOST:PORT`, USAGE_EXIT_CODE)
  const logger = createPinoLogger(options.logLevel)
  const node = await createMeshNode({
    dataDir: options.data,
    ...(options.listen.length > 0 ? { listen: options.listen } : {}),
    peers: options.peer,
    trustedFingerprints: options.trust,
    logger
  })
  const token = await loadOrCreateAdminToken(options.data)
  const admin = createAdminServer({ node, token, logger }, adminAddress)
  let isStopping = false
  const shutdown = async (signal: string): Promise<void> => {
    if (isStopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    isStopping = true
    logger.info({ signal }, 'shutting down')
    await removeNodeInfo(options.data)
    await admin.stop()
    await node.stop()
    logger.info({}, 'stopped')
  }
  const stopped = new Promise<void>((resolve, reject) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => { shutdown(signal).then(resolve, reject) })
    }
  })
  try {
    await node.start()
    const served = await admin.start()
    const info = node.info()
    await writeNodeInfo(options.data, {
      agent_id: info.agent_id, fingerprint: info.fingerprint, peer_id: info.peer_id, multiaddrs: info.multiaddrs, admin_url: served.url, pid: process.pid
    })
    logger.info({ fingerprint: info.fingerprint, peer_id: info.peer_id, multiaddrs: info.multiaddrs, admin_url: served.url }, 'node ready')
  } catch (err) {
    await admin.stop()
    await node.stop()
    throw err
  }
  await stopped
}

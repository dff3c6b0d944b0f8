import { peerStoreCompliance } from '../../../test/compliance/peer-store.suite.ts'
import { replayStoreCompliance } from '../../../test/compliance/replay-store.suite.ts'
import { createMemoryPeerStore } from './memory-peer-store.ts'
import { createMemoryReplayStore } from './memory-replay-store.ts'

peerStoreCompliance('memory', createMemoryPeerStore)
replayStoreCompliance('memory', createMemoryReplayStore)

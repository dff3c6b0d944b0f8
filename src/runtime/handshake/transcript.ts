/**
 * The handshake transcript (SPEC §5): what a HELLO's `challenge_response` signs. It
 * binds both fingerprints, both session nonces, the challenge answered, the protocol
 * version, the signer's role and — on a direct link — both libp2p peer ids, so a
 * response cannot be replayed into another session, reflected back to its author, or
 * carried over another connection.
 */
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { signBytes, verifyBytes } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'

/** Domain-separation label: these bytes can never be mistaken for an envelope. */
export const TRANSCRIPT_LABEL = 'web4/cip-handshake'

/** One side of a handshake. */
export interface HandshakeParty {
  fingerprint: string
  nonce: string
  /** libp2p peer id on a direct link; null when the handshake is routed (MESH_HELLO). */
  peerId: string | null
}

/** Everything a response signs. */
export interface Transcript {
  /** The role of the side that signs. */
  signer: 'initiator' | 'responder'
  /** The challenge being answered (the other side's). */
  answering: string
  initiator: HandshakeParty
  responder: HandshakeParty
}

/** The canonical bytes of a transcript. */
export function transcriptBytes (transcript: Transcript): Uint8Array {
  return canonicalBytes({
    label: TRANSCRIPT_LABEL,
    cip: '1.0',
    signer: transcript.signer,
    answering: transcript.answering,
    initiator: { fingerprint: transcript.initiator.fingerprint, nonce: transcript.initiator.nonce, peer_id: transcript.initiator.peerId },
    responder: { fingerprint: transcript.responder.fingerprint, nonce: transcript.responder.nonce, peer_id: transcript.responder.peerId }
  })
}

/** The `challenge_response` of `identity` for `transcript`. */
export function answerChallenge (identity: KeyPairIdentity, transcript: Transcript): string {
  return signBytes(identity, transcriptBytes(transcript))
}

/**
 * Checks a `challenge_response` by `pubkey`.
 *
 * @throws {SignatureMismatchError} when it does not verify
 */
export function checkChallengeResponse (pubkey: string, transcript: Transcript, response: string): void {
  verifyBytes(pubkey, transcriptBytes(transcript), response)
}

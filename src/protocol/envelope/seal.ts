/**
 * Sealing: signs an envelope with the local identity (SPEC §3). The sender block must
 * name the identity that signs.
 */
import type { KeyPairIdentity } from '../identity/index.ts'
import { signBytes } from '../identity/index.ts'
import { signedBytesOf } from './signature-scope.ts'
import type { Envelope, UnsignedEnvelope } from './types.ts'

/**
 * Signs `unsigned` and returns the envelope with its `sign` member.
 *
 * @throws {TypeError} when the sender block does not name `identity`
 */
export function sealEnvelope<E extends Envelope> (unsigned: UnsignedEnvelope<E>, identity: KeyPairIdentity): E {
  const { sender } = unsigned as UnsignedEnvelope
  if (sender.fingerprint !== identity.fingerprint || sender.pubkey !== identity.pubkey) {
    throw new TypeError(`Cannot seal envelope "${(unsigned as UnsignedEnvelope).msg_id}": sender does not name the signing identity`)
  }
  // signedBytesOf leaves out any `sign` already present, so re-sealing replaces it.
  const signature = signBytes(identity, signedBytesOf(unsigned))
  return { ...unsigned, sign: { algo: 'ed25519', signature } } as unknown as E
}

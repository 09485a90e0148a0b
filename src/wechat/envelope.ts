import { isAppError } from '../errors.js'
import { decryptFor, encryptMessage, WxCryptoError } from './crypto.js'
import { parseXmlObject } from './parse.js'
import { sign, signatureMatches } from './signature.js'

/** What an account needs to open and seal safe-mode envelopes. */
export interface EnvelopeKeys {
  readonly token: string
  /** The 32-byte AES key (see `aesKeyFrom`). */
  readonly key: Buffer
  readonly appId: string
}

export interface EnvelopeQuery {
  readonly timestamp: string
  readonly nonce: string
  readonly msgSignature: string | undefined
}

/**
 * Opens a safe- or compatible-mode body: finds `<Encrypt>`, checks `msg_signature` over
 * token, timestamp, nonce and the Encrypt text (−40001), decrypts and checks the AppID.
 * In compatible mode the plaintext fields beside `<Encrypt>` are ignored: only what was
 * signed and sealed is believed. Returns the inner XML. Throws WxCryptoError.
 */
export function openEnvelope(keys: EnvelopeKeys, query: EnvelopeQuery, body: string): string {
  let root: Record<string, unknown>
  try {
    root = parseXmlObject(body)
  } catch (err) {
    throw new WxCryptoError('ParseXml_Error', isAppError(err) ? err.message : 'unreadable envelope', { cause: err })
  }
  const raw = Array.isArray(root.Encrypt) ? root.Encrypt[0] : root.Encrypt
  // Whitespace around the CDATA (a pretty-printed body) is not part of the ciphertext (case 09).
  const encrypted = typeof raw === 'string' ? raw.trim() : ''
  if (!encrypted) throw new WxCryptoError('ParseXml_Error', 'the body has no Encrypt element')
  if (!query.msgSignature) throw new WxCryptoError('ValidateSignature_Error', 'msg_signature is missing')
  if (!signatureMatches(query.msgSignature, keys.token, query.timestamp, query.nonce, encrypted)) {
    throw new WxCryptoError('ValidateSignature_Error', 'msg_signature does not match')
  }
  return decryptFor(encrypted, keys.key, keys.appId)
}

/**
 * The encrypted reply envelope (protocol doc §6.4). `timestamp` (seconds) and `nonce` are the
 * values placed in the envelope, and MsgSignature is computed over exactly those.
 */
export function sealReply(xml: string, keys: EnvelopeKeys, timestamp: string, nonce: string, random: Buffer): string {
  const encrypted = encryptMessage(xml, keys.key, keys.appId, random)
  const signature = sign(keys.token, timestamp, nonce, encrypted)
  return (
    '<xml>\n' +
    `<Encrypt>${cdata(encrypted)}</Encrypt>\n` +
    `<MsgSignature>${cdata(signature)}</MsgSignature>\n` +
    `<TimeStamp>${timestamp}</TimeStamp>\n` +
    `<Nonce>${cdata(nonce)}</Nonce>\n` +
    '</xml>'
  )
}

// Base64, hex and digits never contain "]]>"; the nonce is checked by the caller, but stay safe.
function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
}

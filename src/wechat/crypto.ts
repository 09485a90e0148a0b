import { createCipheriv, createDecipheriv } from 'node:crypto'
import { AppError, type ErrorCode } from '../errors.js'

/**
 * Safe / compatible mode message encryption (protocol doc §6): AES-256-CBC, key from the
 * 43-character EncodingAESKey, IV = first 16 key bytes, plaintext
 * `random(16) ‖ length(4, big-endian) ‖ xml ‖ appId`, padded with PKCS#7 to 32-byte blocks.
 */

/** Error codes of WeChat's official sample library (protocol doc §6.5); logs name them. */
export const WX_CRYPTO_ERRORS = {
  ValidateSignature_Error: -40001,
  ParseXml_Error: -40002,
  ComputeSignature_Error: -40003,
  IllegalAesKey: -40004,
  ValidateAppid_Error: -40005,
  EncryptAES_Error: -40006,
  DecryptAES_Error: -40007,
  IllegalBuffer: -40008,
  EncodeBase64_Error: -40009,
  DecodeBase64_Error: -40010,
  GenReturnXml_Error: -40011,
} as const
export type WxCryptoErrorName = keyof typeof WX_CRYPTO_ERRORS

// Our code, and the status the caller gets (never 200 with a reply — protocol doc §6.5).
const MAPPING: Record<WxCryptoErrorName, [ErrorCode, number]> = {
  ValidateSignature_Error: ['WX_BAD_SIGNATURE', 401],
  ParseXml_Error: ['WX_BAD_XML', 400],
  ComputeSignature_Error: ['WX_BAD_SIGNATURE', 400],
  IllegalAesKey: ['WX_DECRYPT_FAILED', 400],
  ValidateAppid_Error: ['WX_APPID_MISMATCH', 401],
  EncryptAES_Error: ['WX_ENCRYPT_FAILED', 500],
  DecryptAES_Error: ['WX_DECRYPT_FAILED', 400],
  IllegalBuffer: ['WX_DECRYPT_FAILED', 400],
  EncodeBase64_Error: ['WX_ENCRYPT_FAILED', 500],
  DecodeBase64_Error: ['WX_DECRYPT_FAILED', 400],
  GenReturnXml_Error: ['WX_ENCRYPT_FAILED', 500],
}

/** An AppError that also carries the official sample library's error number and name. */
export class WxCryptoError extends AppError {
  readonly wxCode: number
  constructor(
    readonly wxName: WxCryptoErrorName,
    message: string,
    options?: ErrorOptions,
  ) {
    const [code, status] = MAPPING[wxName]
    super(code, message, status, options)
    this.wxCode = WX_CRYPTO_ERRORS[wxName]
  }
}

/** WeChat pads to 32-byte blocks, not AES's 16 (protocol doc §6.2 step 4). */
export const PKCS7_BLOCK = 32
const RANDOM_BYTES = 16
const APP_ID = /^wx[0-9a-zA-Z]{16}$/

/**
 * EncodingAESKey → the 32-byte AES key. The 43rd character carries two spare bits that are
 * usually not zero, so the decoder must be lenient about them (Node's is).
 */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
    throw new WxCryptoError('IllegalAesKey', 'the EncodingAESKey must be 43 letters or digits')
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (key.length !== 32) throw new WxCryptoError('IllegalAesKey', 'the EncodingAESKey does not decode to 32 bytes')
  return key
}

export function pkcs7Pad(data: Buffer, block = PKCS7_BLOCK): Buffer {
  const n = block - (data.length % block)
  return Buffer.concat([data, Buffer.alloc(n, n)])
}

/** Strips PKCS#7 padding; any padding a 32-byte PKCS#7 encoder could not have written is refused. */
export function pkcs7Unpad(data: Buffer, block = PKCS7_BLOCK): Buffer {
  const n = data.length > 0 ? data[data.length - 1]! : 0
  if (n < 1 || n > block || n > data.length) throw new WxCryptoError('IllegalBuffer', `invalid padding byte ${n}`)
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new WxCryptoError('IllegalBuffer', 'inconsistent padding bytes')
  }
  return data.subarray(0, data.length - n)
}

/**
 * Encrypts a reply (or any message) for `appId`. `random` is the 16-byte prefix: tests pass the
 * vectors' bytes, production passes fresh random bytes. Returns the base64 Encrypt text.
 */
export function encryptMessage(xml: string, key: Buffer, appId: string, random: Buffer): string {
  if (random.length !== RANDOM_BYTES) throw new WxCryptoError('EncryptAES_Error', 'the random prefix must be 16 bytes')
  const body = Buffer.from(xml, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  const plain = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]))
  try {
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
    cipher.setAutoPadding(false)
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
  } catch (err) {
    throw new WxCryptoError('EncryptAES_Error', 'AES encryption failed', { cause: err })
  }
}

export interface Decrypted {
  /** The inner XML, byte for byte (not trimmed: real plaintext has newlines between elements). */
  readonly xml: string
  /** The AppID the sender appended. */
  readonly appId: string
}

/** Decrypts an Encrypt text; checks base64, block size, padding and length — not the AppID. */
export function decryptMessage(encrypted: string, key: Buffer): Decrypted {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || encrypted.length % 4 !== 0) {
    throw new WxCryptoError('DecodeBase64_Error', 'Encrypt is not base64')
  }
  const cipherText = Buffer.from(encrypted, 'base64')
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) {
    throw new WxCryptoError('DecryptAES_Error', 'the ciphertext is not a whole number of AES blocks')
  }
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
    // Node's own unpadding is 16-byte PKCS#7 and throws "bad decrypt" whenever n > 16.
    decipher.setAutoPadding(false)
    plain = Buffer.concat([decipher.update(cipherText), decipher.final()])
  } catch (err) {
    throw new WxCryptoError('DecryptAES_Error', 'AES decryption failed', { cause: err })
  }
  const content = pkcs7Unpad(plain)
  if (content.length < RANDOM_BYTES + 4) throw new WxCryptoError('IllegalBuffer', 'decrypted data too short')
  const length = content.readUInt32BE(RANDOM_BYTES)
  const start = RANDOM_BYTES + 4
  if (start + length > content.length) throw new WxCryptoError('IllegalBuffer', 'message length exceeds the data')
  return {
    xml: content.subarray(start, start + length).toString('utf8'),
    appId: content.subarray(start + length).toString('utf8'),
  }
}

/** Decrypts and checks that the message was sealed for `appId` (−40005 otherwise). */
export function decryptFor(encrypted: string, key: Buffer, appId: string): string {
  const out = decryptMessage(encrypted, key)
  if (out.appId !== appId) {
    // Only the shape of the foreign AppID is worth logging, never a decrypted body.
    const seen = APP_ID.test(out.appId) ? out.appId : `${out.appId.length} bytes`
    throw new WxCryptoError('ValidateAppid_Error', `sealed for another AppID (${seen})`)
  }
  return out.xml
}

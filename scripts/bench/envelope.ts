/**
 * WeChat's message encryption as the platform does it (protocol doc §6), for the benchmark to
 * send safe-mode pushes and open encrypted replies. Kept apart from the product's own crypto on
 * purpose: the benchmark must not measure the product with itself. Checked against the official
 * known-answer vector before use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { sign } from '../../src/wechat/signature.js'

export function aesKeyOf(encodingAesKey: string): Buffer {
  return Buffer.from(`${encodingAesKey}=`, 'base64')
}

export function encrypt(plaintext: string, key: Buffer, appId: string, random = randomBytes(16)): string {
  const msg = Buffer.from(plaintext, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(msg.length)
  const body = Buffer.concat([random, len, msg, Buffer.from(appId, 'utf8')])
  const pad = 32 - (body.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
}

export function decrypt(encrypted: string, key: Buffer): { xml: string; appId: string } {
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  decipher.setAutoPadding(false)
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
  const body = padded.subarray(0, padded.length - padded[padded.length - 1]!)
  const len = body.readUInt32BE(16)
  return { xml: body.subarray(20, 20 + len).toString('utf8'), appId: body.subarray(20 + len).toString('utf8') }
}

/** The safe-mode POST for a plaintext push: query (with msg_signature) and body. */
export function safeModePush(xml: string, token: string, key: Buffer, appId: string, account: string, timestamp: string, nonce: string) {
  const encrypted = encrypt(xml, key, appId)
  const query = {
    signature: sign(token, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sign(token, timestamp, nonce, encrypted),
  }
  return { query, body: `<xml>\n<ToUserName><![CDATA[${account}]]></ToUserName>\n<Encrypt><![CDATA[${encrypted}]]></Encrypt>\n</xml>` }
}

/** The official sample (token pamtest): our envelope must reproduce its ciphertext exactly. */
export function selfCheck(): boolean {
  const key = aesKeyOf('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG')
  const got = encrypt('我是中文abcd123', key, 'wxb11529c136998cb6', Buffer.from('aaaabbbbccccdddd'))
  const want = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=='
  return got === want && decrypt(want, key).xml === '我是中文abcd123'
}

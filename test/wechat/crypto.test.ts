import { readFileSync } from 'node:fs'
import { createCipheriv } from 'node:crypto'
import t from 'tap'
import { aesKeyFrom, decryptFor, decryptMessage, encryptMessage, pkcs7Pad, pkcs7Unpad, WX_CRYPTO_ERRORS } from '../../src/wechat/crypto.js'
import { openEnvelope, sealReply } from '../../src/wechat/envelope.js'
import { parseMessage } from '../../src/wechat/parse.js'
import { sign } from '../../src/wechat/signature.js'
import { fixture } from '../helpers/paths.js'

interface Vector {
  id: string
  direction: 'inbound' | 'outbound'
  token: string
  encodingAESKey: string
  appId: string
  aesKeyHex: string
  timestamp: string
  nonce: string
  random: { hex: string }
  plaintext: string
  msgLenFieldHex: string
  padByte: number
  paddedLength: number
  ciphertextBase64: string
  msgSignature: string
  replyEnvelope?: string
  requestQuery?: Record<string, string>
  requestBodySafeMode?: string
}
const doc = JSON.parse(readFileSync(fixture('crypto-vectors.json'), 'utf8'))
const vectors = doc.message_crypto as Vector[]
const negatives = doc.negative_cases as { id: string; baseCase: string; officialErrorCode: number; msgSignature?: string; receiverAppId?: string }[]

t.test('has the five known-answer vectors and two negative cases', async t => {
  t.equal(vectors.length, 5)
  t.equal(negatives.length, 2)
})

for (const v of vectors) {
  t.test(`${v.id}: key, encryption and decryption match the vector byte for byte`, async t => {
    const key = aesKeyFrom(v.encodingAESKey)
    t.equal(key.toString('hex'), v.aesKeyHex, 'lenient about the spare bits of the 43rd character')
    const random = Buffer.from(v.random.hex, 'hex')
    const encrypted = encryptMessage(v.plaintext, key, v.appId, random)
    t.equal(encrypted, v.ciphertextBase64)
    t.equal(Buffer.from(encrypted, 'base64').length, v.paddedLength)
    t.equal(sign(v.token, v.timestamp, v.nonce, encrypted), v.msgSignature)

    const out = decryptMessage(v.ciphertextBase64, key)
    t.equal(out.xml, v.plaintext, 'exact bytes, not trimmed')
    t.equal(out.appId, v.appId)
    t.equal(decryptFor(v.ciphertextBase64, key, v.appId), v.plaintext)
  })
}

for (const v of vectors.filter(v => v.direction === 'outbound')) {
  t.test(`${v.id}: the sealed reply envelope equals the vector's`, async t => {
    const keys = { token: v.token, key: aesKeyFrom(v.encodingAESKey), appId: v.appId }
    t.equal(sealReply(v.plaintext, keys, v.timestamp, v.nonce, Buffer.from(v.random.hex, 'hex')), v.replyEnvelope)
  })
}

for (const v of vectors.filter(v => v.direction === 'inbound')) {
  t.test(`${v.id}: the safe-mode request opens to the plaintext`, async t => {
    const keys = { token: v.token, key: aesKeyFrom(v.encodingAESKey), appId: v.appId }
    const q = v.requestQuery!
    t.equal(q.msg_signature, v.msgSignature)
    const xml = openEnvelope(keys, { timestamp: q.timestamp!, nonce: q.nonce!, msgSignature: q.msg_signature }, v.requestBodySafeMode!)
    t.equal(xml, v.plaintext)
  })
}

t.test('the negative vectors are refused with the official error codes', async t => {
  for (const n of negatives) {
    const base = vectors.find(v => v.id === n.baseCase)!
    const keys = { token: base.token, key: aesKeyFrom(base.encodingAESKey), appId: n.receiverAppId ?? base.appId }
    const q = base.requestQuery!
    const query = { timestamp: q.timestamp!, nonce: q.nonce!, msgSignature: n.msgSignature ?? q.msg_signature }
    t.throws(() => openEnvelope(keys, query, base.requestBodySafeMode!), { name: 'AppError', wxCode: n.officialErrorCode }, n.id)
  }
  t.equal(WX_CRYPTO_ERRORS.ValidateSignature_Error, -40001)
  t.equal(WX_CRYPTO_ERRORS.ValidateAppid_Error, -40005)
})

t.test('the encrypted request fixtures decrypt to text.xml in safe and compatible mode', async t => {
  const req = JSON.parse(readFileSync(fixture('encrypted/requests.json'), 'utf8'))
  const { token, encodingAESKey, appId } = req.credentials
  const keys = { token, key: aesKeyFrom(encodingAESKey), appId }
  const want = readFileSync(fixture('text.xml'), 'utf8').replace(/\n$/, '')
  for (const mode of ['safeMode', 'compatibleMode']) {
    const { query, bodyFile } = req[mode]
    const xml = openEnvelope(keys, { timestamp: query.timestamp, nonce: query.nonce, msgSignature: query.msg_signature }, readFileSync(fixture(`encrypted/${bodyFile}`), 'utf8'))
    t.equal(xml, want, mode)
    t.match(parseMessage(xml), { kind: 'text', msgId: '7402987612346789123' }, mode)
  }
})

t.test('PKCS#7 pads to 32-byte blocks: a whole extra block when already aligned', async t => {
  t.same([...pkcs7Pad(Buffer.alloc(31))].slice(31), [1])
  t.equal(pkcs7Pad(Buffer.alloc(32)).length, 64)
  t.same([...pkcs7Pad(Buffer.alloc(32)).subarray(32)], Array(32).fill(32))
  t.equal(pkcs7Pad(Buffer.alloc(13)).length, 32)
  t.same([...pkcs7Unpad(Buffer.from([9, 9, 2, 2]))], [9, 9])
})

t.test('refuses padding a 32-byte encoder could not have written, with IllegalBuffer', async t => {
  const bad = [Buffer.from([1, 2, 0]), Buffer.from([...Array(40).fill(33)]), Buffer.from([5, 5, 3, 2, 3]), Buffer.from([7]), Buffer.alloc(0)]
  for (const b of bad) t.throws(() => pkcs7Unpad(b), { name: 'AppError', wxCode: -40008, code: 'WX_DECRYPT_FAILED' }, b.toString('hex'))
})

t.test('refuses damaged ciphertext with the official codes', async t => {
  const v = vectors.find(v => v.id === 'inbound-text')!
  const key = aesKeyFrom(v.encodingAESKey)
  t.throws(() => decryptMessage('not base64!', key), { name: 'AppError', wxCode: -40010 })
  t.throws(() => decryptMessage('QUJD', key), { name: 'AppError', wxCode: -40007 }, 'three bytes are not an AES block')
  // A valid block whose last plaintext byte is 0: encrypted by hand without padding.
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  const zeroPad = Buffer.concat([cipher.update(Buffer.alloc(32)), cipher.final()]).toString('base64')
  t.throws(() => decryptMessage(zeroPad, key), { name: 'AppError', wxCode: -40008 })
  // Length field larger than the data.
  const c2 = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  c2.setAutoPadding(false)
  const body = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.from('hi')])
  const long = Buffer.concat([c2.update(pkcs7Pad(body)), c2.final()]).toString('base64')
  t.throws(() => decryptMessage(long, key), { name: 'AppError', wxCode: -40008 })
  t.throws(() => decryptFor(v.ciphertextBase64, key, 'wx0000000000000000'), { name: 'AppError', wxCode: -40005, code: 'WX_APPID_MISMATCH', status: 401 })
})

t.test('refuses a malformed EncodingAESKey with IllegalAesKey', async t => {
  t.throws(() => aesKeyFrom('short'), { name: 'AppError', wxCode: -40004 })
  t.throws(() => aesKeyFrom('a'.repeat(42) + '!'), { name: 'AppError', wxCode: -40004 })
})

t.test('an envelope without Encrypt or msg_signature is refused before any decryption', async t => {
  const v = vectors.find(v => v.id === 'inbound-text')!
  const keys = { token: v.token, key: aesKeyFrom(v.encodingAESKey), appId: v.appId }
  const q = { timestamp: v.timestamp, nonce: v.nonce, msgSignature: v.msgSignature }
  t.throws(() => openEnvelope(keys, q, '<xml><ToUserName>gh</ToUserName></xml>'), { name: 'AppError', wxCode: -40002 })
  t.throws(() => openEnvelope(keys, q, 'hello'), { name: 'AppError', wxCode: -40002 })
  t.throws(() => openEnvelope(keys, { ...q, msgSignature: undefined }, v.requestBodySafeMode!), { name: 'AppError', wxCode: -40001, status: 401 })
  t.throws(() => openEnvelope({ ...keys, token: 'otherToken' }, q, v.requestBodySafeMode!), { name: 'AppError', wxCode: -40001 })
})

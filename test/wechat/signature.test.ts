import { readFileSync } from 'node:fs'
import t from 'tap'
import { sign, signatureMatches } from '../../src/wechat/signature.js'
import { fixture } from '../helpers/paths.js'

interface UrlVector {
  id: string
  token: string
  timestamp: string
  nonce: string
  signature: string
  expectedValid: boolean
}
const vectors = JSON.parse(readFileSync(fixture('crypto-vectors.json'), 'utf8')).url_verification as UrlVector[]

t.test('has the known-answer URL vectors to check against', async t => {
  t.ok(vectors.length >= 5)
})

for (const v of vectors) {
  t.test(`URL vector ${v.id} is ${v.expectedValid ? 'accepted' : 'refused'}`, async t => {
    t.equal(signatureMatches(v.signature, v.token, v.timestamp, v.nonce), v.expectedValid)
    if (v.expectedValid) t.equal(sign(v.token, v.timestamp, v.nonce), v.signature)
  })
}

t.test('sorts the parts as strings, not numbers', async t => {
  // "1747302615" < "98" < "HotelRecToken2025" as strings; numerically 98 would come first.
  t.equal(sign('HotelRecToken2025', '1747302615', '98'), '74857c7de65fd3e5358c57c3598ae3fc01e652fb')
})

t.test('refuses a missing, short or upper-cased-but-wrong signature', async t => {
  t.equal(signatureMatches(undefined, 'tok', '1', '2'), false)
  t.equal(signatureMatches('', 'tok', '1', '2'), false)
  t.equal(signatureMatches('abc', 'tok', '1', '2'), false)
  const good = sign('tok', '1', '2')
  t.equal(signatureMatches(good.toUpperCase(), 'tok', '1', '2'), true, 'hex case does not matter')
  t.equal(signatureMatches(good.replace(/.$/, c => (c === '0' ? '1' : '0')), 'tok', '1', '2'), false)
})

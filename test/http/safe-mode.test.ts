import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { answerMessage, type Answer, type AnswerContext } from '../../src/http/answer.js'
import { aesKeyFrom, decryptMessage } from '../../src/wechat/crypto.js'
import { sign } from '../../src/wechat/signature.js'
import type { InboundMessage } from '../../src/wechat/types.js'
import { makeApp, NOW_MS } from '../helpers/app.js'
import { CASE_ACCOUNT, CASE_ENV, expectHiltonFirst, expectReply, loadCase, send } from '../helpers/cases.js'
import { fixture } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

const NOW_S = NOW_MS / 1000
const RANDOM = Buffer.from('00112233445566778899aabbccddeeff', 'hex')
const c = loadCase('09-safe-mode-signature')
const catalogue = loadCase('01-slow-reply-retries').catalogue

/** An app on the cases' account with its log lines collected, the answers counted. */
async function safeApp(t: Test, env: Record<string, string> = CASE_ENV) {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk))
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  const answered: InboundMessage[] = []
  const answer = async (msg: InboundMessage, ctx: AnswerContext): Promise<Answer> => {
    answered.push(msg)
    return answerMessage(msg, ctx)
  }
  const made = await makeApp(t, t.testdir(), [catalogue], env, {}, { logger: { level: 'info', stream }, random: () => RANDOM, answer })
  return { ...made, lines, raw, answered }
}

/** Opens an encrypted reply envelope: checks its signature and returns the inner XML. */
function openReply(t: Test, body: string, token: string, encodingAESKey: string, appId: string): string {
  const env = readReply(body)
  t.same(Object.keys(env).sort(), ['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp'])
  t.match(env.TimeStamp, /^\d{10}$/, 'TimeStamp in seconds')
  t.equal(env.TimeStamp, String(NOW_S))
  t.equal(env.MsgSignature, sign(token, env.TimeStamp, env.Nonce, env.Encrypt), 'MsgSignature over the envelope values')
  const inner = decryptMessage(env.Encrypt, aesKeyFrom(encodingAESKey))
  t.equal(inner.appId, appId, 'sealed for our AppID')
  return inner.xml
}

const replyOf = (t: Test, res: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
  const xml = openReply(t, res.body, CASE_ACCOUNT.token, CASE_ACCOUNT.encodingAESKey, CASE_ACCOUNT.appId)
  return expectReply(t, { ...res, body: xml } as never, NOW_S)
}

t.test('case 09 s1: a valid safe-mode message gets an encrypted, signed reply', async t => {
  const { app, answered } = await safeApp(t)
  const res = await send(app, c.dir, c.request('s1-valid'))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /xml/)
  const inner = replyOf(t, res)
  expectHiltonFirst(t, inner)
  t.equal(readReply(res.body).Nonce, '901001', 'the request nonce is echoed')
  t.match(answered, [{ kind: 'text', content: 'Hilton', msgId: '7300000000000000901', from: 'oUser_test1' }])
})

t.test('case 09 s2–s6: refused with the official code logged, never answered, never recorded', async t => {
  const { app, answered, lines } = await safeApp(t)
  const want: Record<string, [number, number, string]> = {
    's2-bad-msg-signature': [401, -40001, 'ValidateSignature_Error'],
    's3-no-msg-signature': [401, -40001, 'ValidateSignature_Error'],
    's4-wrong-appid': [401, -40005, 'ValidateAppid_Error'],
    's5-pad-zero': [400, -40008, 'IllegalBuffer'],
    's6-pad-200': [400, -40008, 'IllegalBuffer'],
  }
  for (const [id, [status, wxCode, wxError]] of Object.entries(want)) {
    const res = await send(app, c.dir, c.request(id))
    t.equal(res.statusCode, status, id)
    t.equal(res.body, wxCode === -40005 ? 'message not for this account' : status === 401 ? 'invalid signature' : 'bad request', id)
    t.notMatch(res.body, /<xml|Hilton|Error|at /, `${id}: no content, no stack`)
    t.match(lines.at(-1), { level: 40, account: 'default', wxCode, wxError, msg: 'encrypted message refused' }, id)
  }
  t.equal(answered.length, 0, 'nothing was searched')
  // Had any of them recorded MsgId …901, this valid one would be taken for a retry.
  const s1 = await send(app, c.dir, c.request('s1-valid'))
  replyOf(t, s1)
  t.equal(answered.length, 1, 'the next valid request is answered, as a first delivery')
  t.match(lines.at(-1), { delivery: 'first', kind: 'text' })
})

t.test('case 09 s7, s8: pretty-printed and compatible-mode bodies are answered like s1', async t => {
  for (const id of ['s7-pretty-printed', 's8-compat-mode']) {
    const { app, answered } = await safeApp(t)
    const res = await send(app, c.dir, c.request(id))
    const inner = replyOf(t, res)
    expectHiltonFirst(t, inner, id)
    t.match(answered, [{ kind: 'text', content: 'Hilton', msgId: '7300000000000000901' }], id)
  }
  // All three deliveries on one app: one answer, the same reply each time.
  const { app, answered } = await safeApp(t)
  const contents = []
  for (const id of ['s1-valid', 's7-pretty-printed', 's8-compat-mode']) contents.push(replyOf(t, await send(app, c.dir, c.request(id))).Content)
  t.equal(answered.length, 1)
  t.same(new Set(contents).size, 1)
})

t.test('compatible mode believes only the sealed message, not the plaintext beside it', async t => {
  const { app, answered } = await safeApp(t)
  const tampered = c.read('s8-compat-mode.xml').replace('<![CDATA[Hilton]]></Content>', '<![CDATA[forged]]></Content>')
  const res = await send(app, c.dir, c.request('s8-compat-mode'), '/wechat', tampered)
  replyOf(t, res)
  t.match(answered, [{ content: 'Hilton' }])
})

t.test('the encrypted request fixtures are answered with encrypted replies', async t => {
  const req = JSON.parse(readFileSync(fixture('encrypted/requests.json'), 'utf8'))
  const { token, encodingAESKey, appId } = req.credentials
  for (const mode of ['safeMode', 'compatibleMode']) {
    const { app, answered } = await safeApp(t, { WECHAT_TOKEN: token, WECHAT_APP_ID: appId, WECHAT_AES_KEY: encodingAESKey })
    const res = await app.inject({
      method: 'POST',
      url: '/wechat',
      query: req[mode].query,
      headers: { 'content-type': 'text/xml' },
      payload: readFileSync(fixture(`encrypted/${req[mode].bodyFile}`)),
    })
    t.equal(res.statusCode, 200, mode)
    const inner = readReply(openReply(t, res.body, token, encodingAESKey, appId))
    t.equal(inner.ToUserName, 'oUser_7f3a9c2e5b8d4a1f6e0c2b', mode)
    t.equal(inner.FromUserName, 'gh_test_account', mode)
    t.match(answered, [{ kind: 'text', msgId: '7402987612346789123', content: '附近有什么性价比高的酒店？' }])
  }
})

t.test('an encrypted push to an account without an EncodingAESKey is refused (IllegalAesKey)', async t => {
  const { app, lines, answered } = await safeApp(t, { WECHAT_TOKEN: CASE_ACCOUNT.token })
  const res = await send(app, c.dir, c.request('s1-valid'))
  t.equal(res.statusCode, 400)
  t.match(lines.at(-1), { wxCode: -40004, wxError: 'IllegalAesKey' })
  t.equal(answered.length, 0)
})

t.test('a plaintext push to a safe-mode account is still answered in plaintext', async t => {
  const { app } = await safeApp(t)
  const res = await send(app, loadCase('11-verify-get-and-bad-requests').dir, loadCase('11-verify-get-and-bad-requests').request('p4-application-xml'))
  expectHiltonFirst(t, readReply(res.body))
})

t.test('a WeCom-style verification with an encrypted echostr is decrypted', async t => {
  const { app } = await safeApp(t)
  const { encryptMessage } = await import('../../src/wechat/crypto.js')
  const echostr = encryptMessage('5927782489442352469', aesKeyFrom(CASE_ACCOUNT.encodingAESKey), CASE_ACCOUNT.appId, RANDOM)
  const query = { msg_signature: sign(CASE_ACCOUNT.token, '1717000901', '42', echostr), timestamp: '1717000901', nonce: '42', echostr }
  const res = await app.inject({ method: 'GET', url: '/wechat', query })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '5927782489442352469')
  const bad = await app.inject({ method: 'GET', url: '/wechat', query: { ...query, msg_signature: '0'.repeat(40) } })
  t.equal(bad.statusCode, 401)
})

t.test('logs: one line per message, no token, key, OpenID or decrypted body', async t => {
  const { app, lines, raw } = await safeApp(t)
  for (const id of ['s1-valid', 's2-bad-msg-signature', 's7-pretty-printed']) await send(app, c.dir, c.request(id))
  t.equal(lines.length, 3)
  t.match(lines[0], { level: 30, account: 'default', kind: 'text', delivery: 'first', outcome: String, ms: Number, msg: 'wechat message answered' })
  t.match(lines[2], { account: 'default', kind: 'text', delivery: 'retry', msg: 'wechat message answered' })
  const all = raw.join('')
  for (const secret of [CASE_ACCOUNT.token, CASE_ACCOUNT.encodingAESKey, 'oUser_test1', 'Hilton', '<xml', 'CDATA']) {
    t.notMatch(all, secret, `no ${secret} in the logs`)
  }
})

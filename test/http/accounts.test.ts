import { resolve } from 'node:path'
import t from 'tap'
import { answerMessage, type Answer, type AnswerContext } from '../../src/http/answer.js'
import { projectRoot } from '../../src/project-root.js'
import { aesKeyFrom, decryptMessage, encryptMessage } from '../../src/wechat/crypto.js'
import { sign } from '../../src/wechat/signature.js'
import type { InboundMessage } from '../../src/wechat/types.js'
import { makeAccountsApp, NOW_MS, postAs } from '../helpers/app.js'
import { readReply } from '../helpers/xml.js'

const DEMO = resolve(projectRoot(), 'data/demo-catalogue.csv')
const LAKE = resolve(projectRoot(), 'examples/west-lake.csv')
const BUND_KEY = 'WlPnhB3apRIU76Ul1TjYPwpJAPXmC4wzM4XYxvkuHPl'
const ACCOUNTS = [
  { id: 'bund', token: 'bundToken1', appId: 'wxacbg4t446a98hx6j', aesKey: BUND_KEY, welcome: '欢迎来到外滩' },
  { id: 'west-lake', token: 'lakeToken2', replyStyle: 'text', welcome: '欢迎来到西湖' },
]

const message = (fields: Record<string, string>, from = 'oUser_same_person') =>
  `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1747303200</CreateTime>` +
  Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('') +
  '</xml>'
const nanjingRoad = (msgId = '100') => message({ MsgType: 'location', Location_X: '31.236712', Location_Y: '121.481236', Scale: '16', Label: '', MsgId: msgId })
const westLake = (msgId = '200') => message({ MsgType: 'location', Location_X: '30.259244', Location_Y: '120.148763', Scale: '16', Label: '', MsgId: msgId })

t.test('each account answers on its own path with its own token, and only there', async t => {
  const { app, config } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE })
  t.same(
    config.accounts.map(a => [a.id, a.path]),
    [
      ['bund', '/wechat/bund'],
      ['west-lake', '/wechat/west-lake'],
    ],
  )
  t.equal((await postAs(app, '/wechat/bund', 'bundToken1', nanjingRoad())).statusCode, 200)
  t.equal((await postAs(app, '/wechat/bund', 'lakeToken2', nanjingRoad())).statusCode, 401, "another account's token is refused")
  t.equal((await postAs(app, '/wechat/west-lake', 'bundToken1', nanjingRoad())).statusCode, 401)
  t.equal((await postAs(app, '/wechat', 'bundToken1', nanjingRoad())).statusCode, 404, 'no env account on /wechat')
  const verify = await app.inject({ method: 'GET', url: '/wechat/west-lake', query: { signature: sign('lakeToken2', '1', '2'), timestamp: '1', nonce: '2', echostr: 'ok' } })
  t.equal(verify.body, 'ok')
})

t.test("a message to one account never sees another's places", async t => {
  const { app } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE })
  const bund = readReply((await postAs(app, '/wechat/bund', 'bundToken1', nanjingRoad())).body)
  t.equal(bund.MsgType, 'news', 'bund replies in the news style')
  t.match(bund.Articles.item[0].Title, '南京饭店')
  t.match(bund.Articles.item[0].Url, /&a=bund$/, 'the page link names the account')

  const lakeFromShanghai = readReply((await postAs(app, '/wechat/west-lake', 'lakeToken2', nanjingRoad('101'))).body)
  t.match(lakeFromShanghai.Content, /^抱歉，您附近 5公里 内暂时没有收录的地点/, "west-lake's catalogue has nothing in Shanghai")
  const lake = readReply((await postAs(app, '/wechat/west-lake', 'lakeToken2', westLake())).body)
  t.equal(lake.MsgType, 'text', 'west-lake replies in the text style')
  t.match(lake.Content, /^📍 离您最近的 9 个地点：\n1\. <a href="https:\/\/nearby\.example\.com\/places\?[^"]+&a=west-lake">杭州香格里拉饭店<\/a>/)

  // The results page uses the named account's catalogue.
  const page = (q: string) => app.inject({ method: 'GET', url: `/places?lat=30.261555&lng=120.144039${q}` })
  const lakePage = await page('&a=west-lake')
  t.equal(lakePage.statusCode, 200)
  t.match(lakePage.body, 'data-id="lake-h01"')
  const bundPage = await page('&a=bund')
  t.notMatch(bundPage.body, 'data-id=', 'bund has nothing at West Lake')
  t.equal((await page('&a=nobody')).statusCode, 404)
  t.equal((await page('')).statusCode, 404, 'with several accounts the page must name one')
  const hotelsOnly = await page('&a=west-lake&w=hotel')
  t.same([...hotelsOnly.body.matchAll(/data-id="([^"]+)"/g)].map(m => m[1]), ['lake-h01', 'lake-h02', 'lake-h03'])
})

t.test("a follower's state is per account: a position told to one is unknown to the other", async t => {
  const { app, state } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE })
  const report = message({ MsgType: 'event', Event: 'LOCATION', Latitude: '31.236712', Longitude: '121.481236', Precision: '30' })
  t.equal((await postAs(app, '/wechat/bund', 'bundToken1', report)).body, 'success')
  t.ok(state.position('bund', 'oUser_same_person', NOW_MS, 60_000))
  t.equal(state.position('west-lake', 'oUser_same_person', NOW_MS, 60_000), undefined)
  const click = message({ MsgType: 'event', Event: 'CLICK', EventKey: 'NEARBY_HOTELS' })
  const lake = readReply((await postAs(app, '/wechat/west-lake', 'lakeToken2', click)).body)
  t.match(lake.Content, /^想找附近的酒店？请先发送您的位置/)
  const bund = readReply((await postAs(app, '/wechat/bund', 'bundToken1', click)).body)
  t.match(bund.Articles.item[0].Title, /^离您最近的酒店：南京饭店/)
})

t.test('the same MsgId sent to two accounts is two messages', async t => {
  const seen: string[] = []
  const answer = async (msg: InboundMessage, ctx: AnswerContext): Promise<Answer> => {
    seen.push(ctx.account.id)
    return answerMessage(msg, ctx)
  }
  const { app } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE }, { answer })
  await postAs(app, '/wechat/bund', 'bundToken1', westLake('7'))
  await postAs(app, '/wechat/west-lake', 'lakeToken2', westLake('7'))
  await postAs(app, '/wechat/west-lake', 'lakeToken2', westLake('7'), 'retry')
  t.same(seen, ['bund', 'west-lake'])
})

t.test("safe mode is per account: bund's key opens bund's messages only", async t => {
  const random = Buffer.alloc(16, 7)
  const { app } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE }, { random: () => random })
  const encrypted = encryptMessage(nanjingRoad(), aesKeyFrom(BUND_KEY), 'wxacbg4t446a98hx6j', random)
  const query = (token: string) => ({
    signature: sign(token, '1747303200', 'n1'),
    timestamp: '1747303200',
    nonce: 'n1',
    encrypt_type: 'aes',
    msg_signature: sign(token, '1747303200', 'n1', encrypted),
  })
  const payload = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`
  const bund = await app.inject({ method: 'POST', url: '/wechat/bund', query: query('bundToken1'), payload, headers: { 'content-type': 'text/xml' } })
  t.equal(bund.statusCode, 200)
  const inner = readReply(decryptMessage(readReply(bund.body).Encrypt, aesKeyFrom(BUND_KEY)).xml)
  t.match(inner.Articles.item[0].Title, '南京饭店')
  const lake = await app.inject({ method: 'POST', url: '/wechat/west-lake', query: query('lakeToken2'), payload, headers: { 'content-type': 'text/xml' } })
  t.equal(lake.statusCode, 400, 'west-lake has no EncodingAESKey')
})

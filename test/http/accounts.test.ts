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
  { id: 'west-lake', token: 'lakeToken2', replyStyle: 'text', welcome: '欢迎来到西湖', examples: ['断桥', '雷峰塔'] },
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
  t.match(lakeFromShanghai.Content, /^抱歉，您附近 5公里内暂时没有收录的地点。\n最近的收录地点在 1\d\d公里外的杭州（[^）]+）。\n/, "west-lake's catalogue has nothing in Shanghai, and says where it has")
  t.match(lakeFromShanghai.Content, /例如“断桥”“雷峰塔 咖啡”。$/, "the account's own example places")
  const lake = readReply((await postAs(app, '/wechat/west-lake', 'lakeToken2', westLake())).body)
  t.equal(lake.MsgType, 'text', 'west-lake replies in the text style')
  t.match(lake.Content, /^📍 离您最近的 9 个地点：\n1\. <a href="https:\/\/nearby\.example\.com\/places\?[^"]+&a=west-lake#p1">杭州香格里拉饭店<\/a>/)

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
  t.equal(lake.Content, '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），再点一次菜单。', 'after a menu button there is no place name to add')
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

t.test("help and not-found texts offer the account's own example places", async t => {
  const { app } = await makeAccountsApp(t, t.testdir(), ACCOUNTS, { bund: DEMO, 'west-lake': LAKE })
  const text = (content: string, msgId: string) => message({ MsgType: 'text', Content: content, MsgId: msgId })
  const lake = async (content: string, msgId: string) => readReply((await postAs(app, '/wechat/west-lake', 'lakeToken2', text(content, msgId))).body).Content as string
  const help = await lake('你好', '301')
  t.equal(help, '您好！发送您的位置（点输入框旁的“+”，选“位置”），我会列出离您最近的酒店、餐厅和商店。\n也可以直接输入地名，例如“断桥”“雷峰塔”，或者地名加类别，例如“断桥 咖啡”。')
  t.equal(await lake('asdfgh', '302'), '没有找到与“asdfgh”相符的地名或地点。\n可以输入地名（如“断桥”“雷峰塔”）、类别（如“咖啡”“酒店”），或二者一起（如“雷峰塔 酒店”）；也可以直接发送位置。')
  t.equal(await lake('谢谢', '303'), '不客气！想找附近的地方，随时发送位置，或输入地名，例如“断桥 咖啡”。')
  t.equal(await lake('更多', '304'), '还没有可以继续的列表。请先发送位置，或输入地名和类别，例如“断桥 咖啡”。')
  // The example places work on this account: 断桥 is one of its places.
  t.match(await lake('断桥', '305'), /^📍 以「断桥」为中心，最近的 9 个地点：\n1\. <a href="[^"]+">断桥<\/a> 1米 · 景点\n/)
  const subscribe = message({ MsgType: 'event', Event: 'subscribe', EventKey: '' })
  for (const [path, token] of [['/wechat/west-lake', 'lakeToken2'], ['/wechat/bund', 'bundToken1']]) {
    const all = readReply((await postAs(app, path!, token!, text('help', '306'))).body).Content as string
    if (path === '/wechat/west-lake') t.notMatch(all, '人民广场', 'no Shanghai names for a Hangzhou account')
    else t.match(all, '例如“人民广场”“外滩”', 'an account without examples gets the demo ones')
  }
  t.equal(readReply((await postAs(app, '/wechat/bund', 'bundToken1', subscribe)).body).Content, '欢迎来到外滩')
})

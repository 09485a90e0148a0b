import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import t, { type Test } from 'tap'
import { MEDIA_HELP_TEXT, WELCOME_BACK_TEXT, WELCOME_TEXT } from '../../src/http/copy.js'
import { projectRoot } from '../../src/project-root.js'
import { makeAccountsApp, NOW_MS, postAs } from '../helpers/app.js'
import { fixture } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

const DEMO = resolve(projectRoot(), 'data/demo-catalogue.csv')
const LAKE = resolve(projectRoot(), 'examples/west-lake.csv')
const read = (name: string) => readFileSync(fixture(name), 'utf8')
const categoryOf = new Map(
  readFileSync(DEMO, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map(l => l.split(','))
    .map(f => [f[1]!, f[3]!]),
)

const SHOP = {
  id: 'shop',
  token: 'shopToken1',
  welcome: '欢迎关注外滩小店！',
  scenes: { merchant_10086: '您扫的是外滩店的二维码。', constructor: '一个叫 constructor 的场景' },
  menu: {
    NEARBY_HOTELS: { action: 'nearby', wishes: ['hotel'] },
    NEARBY_FOOD: { action: 'nearby', wishes: ['restaurant', 'fast_food'] },
    ABOUT: { action: 'text', text: '关于我们：外滩小店。' },
  },
}
const LAKE_ACCOUNT = { id: 'lake', token: 'lakeToken2' }

async function kindsApp(t: Test) {
  return makeAccountsApp(t, t.testdir(), [SHOP, LAKE_ACCOUNT], { shop: DEMO, lake: LAKE })
}
const event = (from: string, fields: string, createTime = '1747303300') =>
  `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>${fields}</xml>`
const click = (from: string, key: string, createTime?: string) => event(from, `<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey>`, createTime)

t.test("follows use the account's welcome, and its QR scene text when the scene is known", async t => {
  const { app } = await kindsApp(t)
  const plain = readReply((await postAs(app, '/wechat/shop', 'shopToken1', read('event-subscribe.xml'))).body)
  t.same([plain.MsgType, plain.Content, plain.ToUserName], ['text', '欢迎关注外滩小店！', 'oUser_Bj9Kq2Lm5Np8Rs1Tv4Wx7Y'])
  const scene = readReply((await postAs(app, '/wechat/shop', 'shopToken1', read('event-subscribe-qrscene.xml'))).body)
  t.equal(scene.Content, '欢迎关注外滩小店！\n\n您扫的是外滩店的二维码。', 'the qrscene_ prefix is stripped')
  const unknown = read('event-subscribe-qrscene.xml').replace('qrscene_merchant_10086', 'qrscene_elsewhere').replace('1747303610', '1747303699')
  t.equal(readReply((await postAs(app, '/wechat/shop', 'shopToken1', unknown)).body).Content, '欢迎关注外滩小店！')
  const builtIn = readReply((await postAs(app, '/wechat/lake', 'lakeToken2', read('event-subscribe.xml'))).body)
  t.equal(builtIn.Content, WELCOME_TEXT, 'an account without its own welcome gets the built-in one')
})

t.test('a SCAN says the scene text; an unknown scene (even "__proto__") a welcome back', async t => {
  const { app } = await kindsApp(t)
  t.equal(readReply((await postAs(app, '/wechat/shop', 'shopToken1', read('event-scan.xml'))).body).Content, '您扫的是外滩店的二维码。')
  for (const [i, key] of ['elsewhere', '__proto__', 'toString'].entries()) {
    const scan = event('oUser_scan', `<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[${key}]]></EventKey>`, String(1747303400 + i))
    t.equal(readReply((await postAs(app, '/wechat/shop', 'shopToken1', scan)).body).Content, WELCOME_BACK_TEXT, key)
  }
  const own = event('oUser_scan', '<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[constructor]]></EventKey>', '1747303499')
  t.equal(readReply((await postAs(app, '/wechat/shop', 'shopToken1', own)).body).Content, '一个叫 constructor 的场景')
})

t.test('pictures, videos, links and unrecognised voice get the short help text', async t => {
  const { app } = await kindsApp(t)
  for (const f of ['image.xml', 'video.xml', 'shortvideo.xml', 'link.xml', 'voice-no-recognition.xml']) {
    const r = readReply((await postAs(app, '/wechat/shop', 'shopToken1', read(f))).body)
    t.same([r.MsgType, r.Content], ['text', MEDIA_HELP_TEXT], f)
  }
})

t.test('unsubscribe, VIEW, location_select, other events and unknown kinds get success', async t => {
  const { app } = await kindsApp(t)
  const other = event('oUser_x', '<Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[k]]></EventKey>')
  const unknown = '<xml><ToUserName>gh_x</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>miniprogrampage</MsgType><MsgId>77</MsgId></xml>'
  for (const [name, body] of [
    ['unsubscribe', read('event-unsubscribe.xml')],
    ['VIEW', read('event-view.xml')],
    ['location_select', read('event-location-select.xml')],
    ['scancode_push', other],
    ['miniprogrampage', unknown],
  ] as const) {
    const res = await postAs(app, '/wechat/lake', 'lakeToken2', body)
    t.same([res.statusCode, res.body], [200, 'success'], name)
  }
  // The pick arrives again as an ordinary location message: that one is answered.
  const pick = readReply((await postAs(app, '/wechat/lake', 'lakeToken2', read('location-after-location-select.xml'))).body)
  t.equal(pick.MsgType, 'news')
  t.match(pick.Articles.item[0].Title, /^离您最近：杭州香格里拉饭店/)
})

t.test('menu keys: nearby by category from the stored position, a text, or success', async t => {
  const { app, state } = await kindsApp(t)
  t.equal((await postAs(app, '/wechat/shop', 'shopToken1', read('event-location.xml'))).body, 'success')
  const user = 'oUser_7f3a9c2e5b8d4a1f6e0c2b'
  t.equal(state.position('shop', user, NOW_MS, 60_000)?.source, 'event')

  const ranked = async (key: string, createTime: string) => {
    const r = readReply((await postAs(app, '/wechat/shop', 'shopToken1', click(user, key, createTime))).body)
    t.equal(r.MsgType, 'news', key)
    t.match(r.Articles.item[0].Url, /^https:\/\/nearby\.example\.com\/places\?lat=/)
    return [...(r.Articles.item[0].Description as string).matchAll(/^\d\. (.+?) · /gm)].map(m => m[1]!)
  }
  const hotels = await ranked('NEARBY_HOTELS', '1747303301')
  t.ok(hotels.length >= 3)
  t.same(hotels.map(n => categoryOf.get(n)), hotels.map(() => 'hotel'), 'hotels only')
  const food = await ranked('NEARBY_FOOD', '1747303302')
  t.ok(food.length >= 2)
  t.ok(food.every(n => ['restaurant', 'fast_food'].includes(categoryOf.get(n)!)), food.join())

  const about = readReply((await postAs(app, '/wechat/shop', 'shopToken1', click(user, 'ABOUT', '1747303303'))).body)
  t.equal(about.Content, '关于我们：外滩小店。')
  t.equal((await postAs(app, '/wechat/shop', 'shopToken1', click(user, 'NEARBY_SHOPS', '1747303304'))).body, 'success', "a key this account's menu lacks")

  const stranger = readReply((await postAs(app, '/wechat/shop', 'shopToken1', click('oUser_nowhere', 'NEARBY_HOTELS'))).body)
  t.equal(stranger.Content, '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），再点一次菜单。', 'without a position it asks for one')
  state.setPosition('shop', 'oUser_old', { lat: 31.2387, lng: 121.4768, at: NOW_MS - 31 * 60_000, source: 'event' })
  const stale = readReply((await postAs(app, '/wechat/shop', 'shopToken1', click('oUser_old', 'NEARBY_HOTELS'))).body)
  t.match(stale.Content, /^想找附近的酒店？请先发送您的位置/, 'a position older than POSITION_MAX_AGE_MIN does not count')
})

t.test('the built-in menu keys work for accounts without their own menu', async t => {
  const { app, state } = await kindsApp(t)
  state.setPosition('lake', 'oUser_l', { lat: 30.2616, lng: 120.144, at: NOW_MS, source: 'message' })
  const hotels = readReply((await postAs(app, '/wechat/lake', 'lakeToken2', click('oUser_l', 'NEARBY_HOTELS', '1'))).body)
  t.match(hotels.Articles.item[0].Description, /^以您的位置为中心，最近的 3 个酒店，由近到远：\n[^]*\n点开查看详情及地图$/, 'the three hotels of the lake catalogue, and no "更多"')
  const all = readReply((await postAs(app, '/wechat/lake', 'lakeToken2', click('oUser_l', 'NEARBY', '2'))).body)
  t.match(all.Articles.item[0].Description, /^以您的位置为中心，最近的 9 个地点，由近到远：\n[^]*\n……点开查看全部及地图$/)
  const help = readReply((await postAs(app, '/wechat/lake', 'lakeToken2', click('oUser_l', 'HELP', '3'))).body)
  t.match(help.Content, /^您好！发送您的位置/)
})

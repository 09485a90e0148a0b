import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseMessage } from '../../src/wechat/parse.js'
import { fixture } from '../helpers/paths.js'

const read = (name: string) => readFileSync(fixture(name), 'utf8')

const header = (to: string, from: string, createTime: string) => ({ to, from, createTime })

t.test('reads every inbound fixture kind as its own type, with exact strings', async t => {
  const cases: [string, Record<string, unknown>][] = [
    ['text.xml', { kind: 'text', msgId: '7402987612346789123', content: '附近有什么性价比高的酒店？', ...header('gh_test_account', 'oUser_7f3a9c2e5b8d4a1f6e0c2b', '1747302615') }],
    ['text-emoji.xml', { kind: 'text', msgId: '24981152734510832', content: '外滩附近的亲子酒店🏨👨‍👩‍👧 有推荐吗？预算<800元 & 含早餐' }],
    ['image.xml', { kind: 'image', msgId: '24981152734510833', picUrl: 'http://mmbiz.qpic.cn/mmbiz_jpg/EXAMPLEpicHotelLobby0001/0', mediaId: 'EXAMPLE_IMG_MEDIA_ID_3q8Kd0vTzW1fXpL7rN2sYb6cHj4uMgA9eQ5oIiVnRkZtUyCa' }],
    ['voice.xml', { kind: 'voice', msgId: '24981152734510834', format: 'amr', recognition: '南京路附近有什么酒店推荐。' }],
    ['voice-no-recognition.xml', { kind: 'voice', msgId: '24981152734510835', format: 'speex', recognition: undefined }],
    ['video.xml', { kind: 'video', msgId: '24981152734510836', thumbMediaId: 'EXAMPLE_THUMB_MEDIA_ID_Zy9Xw6Vu3Ts0Rq7Po4Nm1Lk8Ji5Hg2Fe-DcBaQw' }],
    ['shortvideo.xml', { kind: 'shortvideo', msgId: '24981152734510837' }],
    ['location-shanghai-nanjing-road.xml', { kind: 'location', msgId: '24981152734510838', lat: 31.236712, lng: 121.481236, scale: '16', label: '上海市黄浦区南京东路步行街' }],
    ['link.xml', { kind: 'link', msgId: '24981152734510840', title: '外滩江景酒店测评', url: 'https://mp.weixin.qq.com/s/EXAMPLE_link_article_0001' }],
    ['event-subscribe.xml', { kind: 'subscribe', scene: undefined, ...header('gh_test_account', 'oUser_Bj9Kq2Lm5Np8Rs1Tv4Wx7Y', '1747303509') }],
    ['event-subscribe-qrscene.xml', { kind: 'subscribe', scene: 'merchant_10086' }],
    ['event-unsubscribe.xml', { kind: 'unsubscribe' }],
    ['event-scan.xml', { kind: 'scan', scene: 'merchant_10086' }],
    ['event-location.xml', { kind: 'location-report', lat: 31.240113, lng: 121.490317, precision: '65.000000' }],
    ['event-click.xml', { kind: 'click', key: 'NEARBY_HOTELS' }],
    ['event-view.xml', { kind: 'view', url: 'https://hotel.example.com/nearby?from=menu&city=sh', menuId: '413275890' }],
    ['event-location-select.xml', { kind: 'location-select', key: 'PICK_LOCATION', lat: 30.259244, lng: 120.148763, label: '浙江省杭州市西湖区北山街', poiName: '西湖风景名胜区' }],
  ]
  for (const [file, want] of cases) t.match(parseMessage(read(file)), want, file)
})

t.test('keeps a MsgId above 2^53 exact, as a string', async t => {
  const msg = parseMessage(read('text.xml'))
  t.equal(typeof (msg as { msgId: unknown }).msgId, 'string')
  t.equal((msg as { msgId: string }).msgId, '7402987612346789123')
  t.not(String(Number('7402987612346789123')), '7402987612346789123', 'a Number would have changed it')
})

t.test('keeps numeric-looking text verbatim', async t => {
  for (const content of ['0755', '1e3', 'true', '  007  ', '0x1F', '-1', '13800138000']) {
    const xml = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[007]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>1</MsgId></xml>`
    t.match(parseMessage(xml), { kind: 'text', content, from: '007', msgId: '1' }, content)
  }
})

t.test('reads a plain-text value the same as a CDATA one', async t => {
  const xml = '<xml><ToUserName>gh_x</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi &amp; bye</Content><MsgId>5</MsgId></xml>'
  t.match(parseMessage(xml), { kind: 'text', content: 'hi & bye', to: 'gh_x' })
})

t.test('keeps an unknown MsgType as a value', async t => {
  const xml = '<xml><ToUserName>gh_x</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>miniprogrampage</MsgType><MsgId>9</MsgId></xml>'
  t.match(parseMessage(xml), { kind: 'unknown', msgType: 'miniprogrampage', msgId: '9' })
})

t.test('refuses what is not a WeChat message with WX_BAD_XML', async t => {
  const bad = [
    '',
    'hello',
    '<xml><a></xml>',
    '<root><MsgType>text</MsgType></root>',
    '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName></xml>',
    '<!DOCTYPE xml [<!ENTITY a "AAAA">]><xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&a;</Content></xml>',
    '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>location</MsgType><Location_X>121.4</Location_X><Location_Y>31.2</Location_Y></xml>',
    // Cut short, or followed by more: every field a text message needs is there, but not the end.
    '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hel',
    '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content></xml><xml>',
    '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[hi</Content></xml>',
  ]
  for (const xml of bad) {
    t.throws(() => parseMessage(xml), { code: 'WX_BAD_XML' }, JSON.stringify(xml.slice(0, 40)))
  }
})

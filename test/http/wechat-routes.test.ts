import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { makeApp, postSigned, signedQuery } from '../helpers/app.js'
import { fixture } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

const HOSTILE_CSV = [
  'id,name,category,lat,lng,address,url',
  'x1,"Bar ]]> Lounge & Inn <B>",hotel,31.2387,121.4768,"No. 1 ]]> Road & ""Lane""",https://hotels.example.com/h/x1?a=1&b=2',
  'x2,"<script>alert(1)</script>",cafe,31.2390,121.4770,,javascript:alert(1)',
].join('\n')

async function hostileApp(t: Test, env: Record<string, string> = {}) {
  const dir = t.testdir()
  const file = join(dir, 'hostile.csv')
  writeFileSync(file, HOSTILE_CSV)
  return makeApp(t, dir, [file], env)
}

const location = readFileSync(fixture('location-shanghai-nanjing-road.xml'), 'utf8')

t.test('URL verification echoes echostr exactly when the signature is right', async t => {
  const { app } = await hostileApp(t)
  const res = await app.inject({ method: 'GET', url: '/wechat', query: { ...signedQuery(), echostr: '7395102846152093847' } })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '7395102846152093847')
  t.match(res.headers['content-type'], /^text\/plain/)
})

t.test('URL verification with a bad signature is refused without the echo', async t => {
  const { app } = await hostileApp(t)
  const q = { ...signedQuery('anotherToken'), echostr: '7395102846152093847' }
  const res = await app.inject({ method: 'GET', url: '/wechat', query: q })
  t.equal(res.statusCode, 401)
  t.notMatch(res.body, '7395102846152093847')
  const bare = await app.inject({ method: 'GET', url: '/wechat' })
  t.equal(bare.statusCode, 400)
  const noEcho = await app.inject({ method: 'GET', url: '/wechat', query: signedQuery() })
  t.equal(noEcho.statusCode, 400)
})

t.test('a POST signed with another token, or unsigned, is refused and not answered', async t => {
  const { app } = await hostileApp(t)
  const other = await postSigned(app, location, '/wechat', 'anotherToken')
  t.equal(other.statusCode, 401)
  t.notMatch(other.body, '<xml>')
  const unsigned = await app.inject({ method: 'POST', url: '/wechat', payload: location, headers: { 'content-type': 'text/xml' } })
  t.equal(unsigned.statusCode, 401)
  const tampered = await app.inject({
    method: 'POST',
    url: '/wechat',
    query: { ...signedQuery(), timestamp: '1747303201' },
    payload: location,
    headers: { 'content-type': 'text/xml' },
  })
  t.equal(tampered.statusCode, 401, 'the timestamp is part of the signature')
})

t.test('a signed but unreadable body is acknowledged with success, never a 5xx', async t => {
  const { app } = await hostileApp(t)
  for (const body of ['', 'hello', '<xml><MsgType>text</MsgType>', '{"json":true}', '<xml><ToUserName>gh</ToUserName></xml>']) {
    const res = await postSigned(app, body)
    t.equal(res.statusCode, 200, JSON.stringify(body))
    t.equal(res.body, 'success')
  }
})

t.test('the body is read whatever the Content-Type', async t => {
  const { app } = await hostileApp(t)
  for (const type of ['text/xml', 'application/xml', 'text/xml; charset=utf-8', 'text/plain', 'application/octet-stream', undefined]) {
    const res = await app.inject({
      method: 'POST',
      url: '/wechat',
      query: signedQuery(),
      payload: location,
      headers: type ? { 'content-type': type } : {},
    })
    t.equal(res.statusCode, 200, String(type))
    t.equal(readReply(res.body).MsgType, 'news', String(type))
  }
})

t.test('catalogue text with "]]>", "&" and "<" survives the reply and the page', async t => {
  const { app } = await hostileApp(t, { REPLY_STYLE: 'text' })
  const res = await postSigned(app, location)
  const content = readReply(res.body).Content as string
  t.match(content, '>Bar ]]> Lounge & Inn <B></a>')
  t.match(content, 'href="https://hotels.example.com/h/x1?a=1&b=2"')
  t.notMatch(content, 'javascript:', 'only http(s) links are kept')

  const newsApp = await hostileApp(t)
  const item = readReply((await postSigned(newsApp.app, location)).body).Articles.item[0]
  t.match(item.Title, 'Bar ]]> Lounge & Inn <B>')

  const page = await app.inject({ method: 'GET', url: '/places?lat=31.2387&lng=121.4768' })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Bar ]]&gt; Lounge &amp; Inn &lt;B&gt;')
  t.match(page.body, 'No. 1 ]]&gt; Road &amp; &quot;Lane&quot;')
  t.match(page.body, '&lt;script&gt;alert(1)&lt;/script&gt;')
  t.notMatch(page.body, '<script>')
  t.notMatch(page.body, 'javascript:')
})

t.test('other kinds get a sensible answer', async t => {
  const { app } = await hostileApp(t)
  const subscribe = readReply((await postSigned(app, readFileSync(fixture('event-subscribe.xml'), 'utf8'))).body)
  t.equal(subscribe.MsgType, 'text')
  t.match(subscribe.Content, /^感谢关注/)
  t.equal(subscribe.ToUserName, 'oUser_Bj9Kq2Lm5Np8Rs1Tv4Wx7Y')
  for (const f of ['image.xml', 'video.xml', 'shortvideo.xml', 'link.xml', 'voice-no-recognition.xml']) {
    const r = readReply((await postSigned(app, readFileSync(fixture(f), 'utf8'))).body)
    t.equal(r.MsgType, 'text', f)
    t.match(r.Content, '位置', f)
  }
  for (const f of ['event-unsubscribe.xml', 'event-location.xml', 'event-view.xml', 'event-location-select.xml']) {
    const res = await postSigned(app, readFileSync(fixture(f), 'utf8'))
    t.equal(res.body, 'success', f)
  }
})

t.test('the health check answers without a signature', async t => {
  const { app } = await hostileApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ok', catalogues: { default: { places: 2 } } })
})

t.test('the results page refuses a missing or impossible point', async t => {
  const { app } = await hostileApp(t)
  for (const q of ['', '?lat=91&lng=0', '?lat=abc&lng=1', '?lat=31']) {
    const res = await app.inject({ method: 'GET', url: `/places${q}` })
    t.equal(res.statusCode, 400, q)
  }
})

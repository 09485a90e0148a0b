/**
 * The handed protocol cases, each read from its own folder under ../shared/cases and sent
 * exactly as listed (already signed, with their old timestamps): the exact strings reach the
 * answer, every request gets a well-formed REPLY, NO-REPLY or REJECT as the case requires, and
 * the text "Hilton" is answered with Hilton Garden Inn first.
 */
import t from 'tap'
import { answerMessage, type Answer, type AnswerContext } from '../../src/http/answer.js'
import type { InboundMessage } from '../../src/wechat/types.js'
import { makeApp, NOW_MS } from '../helpers/app.js'
import { CASE_ENV, expectHiltonFirst, expectNoReply, expectReject, expectReply, loadCase, send } from '../helpers/cases.js'
import { FakeClock, gate, settle } from '../helpers/clock.js'
import { readReply } from '../helpers/xml.js'

const NOW_S = NOW_MS / 1000

/** Wraps the real answer: records what reached it, optionally holds it until a gate opens. */
function spy() {
  const seen: InboundMessage[] = []
  let hold: Promise<void> | undefined
  const answer = async (msg: InboundMessage, ctx: AnswerContext): Promise<Answer> => {
    seen.push(msg)
    if (hold) await hold
    return answerMessage(msg, ctx)
  }
  return { seen, answer, holdUntil: (p: Promise<void> | undefined) => void (hold = p) }
}

t.test('case 01: a slow answer is acknowledged by 4.5 s, retries get one answer, the work runs once', async t => {
  const c = loadCase('01-slow-reply-retries')
  const clock = new FakeClock(NOW_MS)
  const s = spy()
  const { app } = await makeApp(t, t.testdir(), [c.catalogue], CASE_ENV, {}, { now: clock.now, sleep: clock.sleep, answer: s.answer })
  const runs = (msgId: string) => s.seen.filter(m => 'msgId' in m && m.msgId === msgId).length

  // The catalogue search is made slow: it takes 6 s (held by a gate the test opens).
  const slow = gate()
  s.holdUntil(slow.promise)
  let slow1: Awaited<ReturnType<typeof send>> | undefined
  const slow1Done = send(app, c.dir, c.request('slow-1')).then(r => (slow1 = r))
  await settle()
  t.equal(runs('7300000000000000101'), 1, 'the search started')
  await clock.advance(4499)
  t.equal(slow1, undefined, 'not answered yet at 4.499 s')
  await clock.advance(1)
  await slow1Done
  expectNoReply(t, slow1!)

  await clock.advance(500) // 5 s: the platform retries
  const slow2 = send(app, c.dir, c.request('slow-2-retry'))
  await clock.advance(1000) // 6 s: the search ends
  slow.open()
  const r2 = await slow2
  const first = expectReply(t, r2, NOW_S + 6)
  expectHiltonFirst(t, first)

  await clock.advance(4000) // 10 s
  const r3 = await send(app, c.dir, c.request('slow-3-retry'))
  t.same(readReply(r3.body), { ...first, CreateTime: String(NOW_S + 10) }, 'slow-3 gets the same content')

  s.holdUntil(undefined) // the delay is removed before fast-1
  await clock.advance(20_000) // 30 s
  const fast = await send(app, c.dir, c.request('fast-1'))
  t.same(readReply(fast.body), { ...first, CreateTime: String(NOW_S + 30) }, 'fast-1 is the same message: same content')
  t.equal(runs('7300000000000000101'), 1, 'the search ran exactly once for MsgId …101')

  await clock.advance(1000) // 31 s
  const control = await send(app, c.dir, c.request('control-new-msgid'))
  const reply = expectReply(t, control, NOW_S + 31)
  expectHiltonFirst(t, reply)
  t.equal(runs('7300000000000000102'), 1, 'a new MsgId is answered normally')
  t.same({ ...reply, CreateTime: '' }, { ...first, CreateTime: '' }, 'same text, same answer')
})

t.test('case 03: numeric-looking text reaches the answer verbatim and every request gets a REPLY', async t => {
  const c = loadCase('03-numeric-looking-text')
  const s = spy()
  const { app } = await makeApp(t, t.testdir(), [c.catalogue], CASE_ENV, {}, { answer: s.answer })
  const sent = { n1: '0755', n2: '1e3', n3: 'true', n4: '  007  ', n5: '0x1F', n6: '13800138000', n7: '-1' } as Record<string, string>
  for (const r of c.requests) {
    const res = await send(app, c.dir, r)
    t.not(res.body, '', `${r.id}: not empty`)
    expectReply(t, res, NOW_S)
    const msg = s.seen.at(-1)!
    const msgId = c.read(r.body!).match(/<MsgId>(\d+)<\/MsgId>/)![1]
    t.match(msg, { kind: 'text', content: sent[r.id], from: 'oUser_test1', to: 'gh_test', msgId, createTime: r.query.timestamp }, r.id)
    t.equal(typeof (msg as { content: unknown }).content, 'string')
  }
  t.equal(s.seen.length, 7)
})

t.test('case 06: a news reply to a location carries exactly one article, the nearest hotel', async t => {
  const c = loadCase('06-news-single-article')
  const { app } = await makeApp(t, t.testdir(), [c.catalogue], CASE_ENV)
  const loc = expectReply(t, await send(app, c.dir, c.request('loc')), NOW_S)
  t.equal(loc.MsgType, 'news')
  t.equal(loc.ArticleCount, '1')
  t.equal(loc.Articles.item.length, 1)
  t.match(loc.Articles.item[0].Title, /Alpha Hotel/)
  t.ok(loc.Articles.item[0].Title.length > 0)
  t.notMatch(loc.Articles.item[0].Title, /Bravo/)
  const txt = expectReply(t, await send(app, c.dir, c.request('txt')), NOW_S)
  if (txt.MsgType === 'news') t.equal(txt.Articles.item.length, 1)
})

t.test('case 06: the text reply style lists the hotels Alpha, Bravo, Charlie, Delta with their links', async t => {
  const c = loadCase('06-news-single-article')
  const { app } = await makeApp(t, t.testdir(), [c.catalogue], { ...CASE_ENV, REPLY_STYLE: 'text' })
  const loc = expectReply(t, await send(app, c.dir, c.request('loc')), NOW_S)
  t.equal(loc.MsgType, 'text')
  const names = [...(loc.Content as string).matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map(m => [m[2], m[1]])
  t.same(names.slice(0, 4), [
    ['Alpha Hotel', 'https://hotels.example.com/h/h601'],
    ['Bravo Hotel', 'https://hotels.example.com/h/h602'],
    ['Charlie Hotel', 'https://hotels.example.com/h/h603'],
    ['Delta Hotel', 'https://hotels.example.com/h/h604'],
  ])
  expectReply(t, await send(app, c.dir, c.request('txt')), NOW_S)
})

t.test('case 07: "]]>", "&", "<" and U+000B from the catalogue leave the reply well-formed', async t => {
  const c = loadCase('07-cdata-terminator')
  for (const style of ['news', 'text']) {
    const { app } = await makeApp(t, t.testdir(), [c.catalogue], { ...CASE_ENV, REPLY_STYLE: style })
    const loc = await send(app, c.dir, c.request('loc'))
    const r = expectReply(t, loc, NOW_S)
    const shown = r.MsgType === 'news' ? `${r.Articles.item[0].Title}\n${r.Articles.item[0].Description}` : r.Content
    t.match(shown, 'Bar ]]> Lounge & Inn <B>', style)
    t.notMatch(loc.body, '\u000b', `${style}: no U+000B in the reply`)
    t.match(shown, /Vertical ?Tab Hotel/, `${style}: the second hotel is shown, cleaned`)
    for (const id of ['txt', 'txt-2']) {
      const res = await send(app, c.dir, c.request(id))
      expectReply(t, res, NOW_S)
      t.notMatch(res.body, '\u000b', id)
    }
  }
})

t.test('case 11: URL verification, bare and malformed requests get a clear 4xx or success, never a 5xx', async t => {
  const c = loadCase('11-verify-get-and-bad-requests')
  const { app } = await makeApp(t, t.testdir(), [loadCase('01-slow-reply-retries').catalogue], CASE_ENV)
  const status: Record<string, number> = {}
  for (const r of c.requests) {
    const res = await send(app, c.dir, r)
    status[r.id] = res.statusCode
    t.ok(res.statusCode < 500, `${r.id}: ${res.statusCode}`)
    switch (r.id) {
      case 'g1-valid':
        t.equal(res.body, '7395102846152093847', 'exactly the echostr')
        t.match(res.headers['content-type'], /^text\/plain/)
        break
      case 'g3-bad-signature':
        t.notMatch(res.body, '7395102846152093847')
        break
      case 'p1-empty-body':
      case 'p2-not-xml':
      case 'p7-xml-missing-msgtype':
        if (res.statusCode === 200) expectNoReply(t, res)
        break
      case 'p3-no-signature':
        expectReject(t, res)
        break
      case 'p4-application-xml':
      case 'p5-text-xml-charset':
      case 'p6-no-content-type':
        expectHiltonFirst(t, expectReply(t, res, NOW_S), r.id)
        break
    }
  }
  t.same(status, {
    'g1-valid': 200,
    'g2-no-params': 400,
    'g3-bad-signature': 401,
    'g4-missing-echostr': 400,
    'p1-empty-body': 200,
    'p2-not-xml': 200,
    'p3-no-signature': 401,
    'p4-application-xml': 200,
    'p5-text-xml-charset': 200,
    'p6-no-content-type': 200,
    'p7-xml-missing-msgtype': 200,
  })
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200, 'other routes need no signature')
})

t.test('case 15: location message, LOCATION event and the NEARBY_HOTELS menu key', async t => {
  const c = loadCase('15-location-message-vs-event')
  const { app, state } = await makeApp(t, t.testdir(), [c.catalogue], CASE_ENV)
  const msg = expectReply(t, await send(app, c.dir, c.request('msg')), NOW_S)
  t.match(msg.Articles.item[0].Title, /People Square Hotel/, 'Location_X is the latitude')

  const event = await send(app, c.dir, c.request('event'))
  expectNoReply(t, event)
  const stored = state.position('default', 'oUser_test1', NOW_MS, 60_000)
  t.equal(stored?.source, 'event', 'the position from the LOCATION event is remembered')

  const click = expectReply(t, await send(app, c.dir, c.request('click')), NOW_S)
  t.equal(click.MsgType, 'news')
  t.match(click.Articles.item[0].Title, /^离您最近的酒店：People Square Hotel/)
  t.match(click.Articles.item[0].Description, /1\. People Square Hotel .*\n2\. Far Away Hotel/)
})

t.test('case 16: entity declarations, reserved keys, duplicate fields and a 2 MiB body are harmless', async t => {
  const c = loadCase('16-hostile-xml')
  const s = spy()
  const { app } = await makeApp(t, t.testdir(), [loadCase('01-slow-reply-retries').catalogue], CASE_ENV, {}, { answer: s.answer })
  for (const id of ['x1', 'x2', 'x3']) {
    const res = await send(app, c.dir, c.request(id))
    expectReject(t, res)
    t.notMatch(res.body, /ZZZZ|lol/, `${id}: nothing expanded`)
  }
  t.equal(s.seen.length, 0, 'no entity document reached the answer')

  const x4 = await send(app, c.dir, c.request('x4'))
  expectReject(t, x4)
  t.equal(({} as Record<string, unknown>).isAdmin, undefined)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.equal(Object.prototype.hasOwnProperty.call({}, 'toString'), false)

  const x5 = await send(app, c.dir, c.request('x5'))
  const r5 = expectReply(t, x5, NOW_S)
  expectHiltonFirst(t, r5, 'x5')
  t.match(s.seen.at(-1), { kind: 'text', content: 'Hilton' }, 'the first of each repeated field, consistently')

  const big = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser_test1]]></FromUserName><CreateTime>1717001601</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${'a'.repeat(2 * 1024 * 1024)}]]></Content><MsgId>7300000000000001606</MsgId></xml>`
  const x6 = await send(app, c.dir, c.request('x6-oversized'), '/wechat', big)
  t.equal(x6.statusCode, 413)
  t.notMatch(x6.body, /a{100}/)

  const after = expectReply(t, await send(app, c.dir, c.request('after')), NOW_S)
  expectHiltonFirst(t, after, 'after')
  t.match(s.seen.at(-1), { kind: 'text', content: 'Hilton', msgId: '7300000000000001609' })
})

t.test('odder requests: repeated parameters, a broken Content-Type, encrypt_type=raw, other methods', async t => {
  const c = loadCase('11-verify-get-and-bad-requests')
  const { app } = await makeApp(t, t.testdir(), [loadCase('01-slow-reply-retries').catalogue], CASE_ENV)
  const p4 = c.request('p4-application-xml')
  const post = (extra: string, contentType = 'text/xml') =>
    app.inject({ method: 'POST', url: `/wechat?${new URLSearchParams(p4.query).toString()}${extra}`, headers: { 'content-type': contentType }, payload: c.read('msg-text.xml') })
  const twice = await post('&encrypt_type=aes&encrypt_type=aes')
  t.equal(twice.statusCode, 400, 'a repeated encrypt_type is read once: aes without Encrypt is refused')
  t.equal((await post('&signature=0000000000000000000000000000000000000000')).statusCode, 200, 'the first signature value counts')
  t.equal((await post('', ';;;')).statusCode, 415)
  expectReply(t, await post('&encrypt_type=raw'), NOW_S)
  for (const method of ['PUT', 'DELETE'] as const) t.equal((await app.inject({ method, url: '/wechat' })).statusCode, 404, method)
})

t.test('an answer that fails is acknowledged with success, and its retries are not worked on again', async t => {
  const c = loadCase('01-slow-reply-retries')
  let calls = 0
  const answer = async (): Promise<Answer> => {
    calls++
    throw new Error('catalogue went away')
  }
  const { app } = await makeApp(t, t.testdir(), [c.catalogue], CASE_ENV, {}, { answer })
  for (const id of ['slow-1', 'slow-2-retry', 'slow-3-retry']) expectNoReply(t, await send(app, c.dir, c.request(id)))
  t.equal(calls, 1)
})

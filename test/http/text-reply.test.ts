import { parse } from 'csv-parse/sync'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { gcj02ToWgs84 } from '../../src/geo/datum.js'
import { distanceM } from '../../src/geo/distance.js'
import { categoryLabel } from '../../src/recommend/categories.js'
import { directionOf, formatDistance, streetOf } from '../../src/recommend/format.js'
import { HELP_TEXT } from '../../src/http/copy.js'
import { pagePoint } from '../../src/http/places-url.js'
import { projectRoot } from '../../src/project-root.js'
import { makeApp, NOW_MS, postSigned, type TestApp } from '../helpers/app.js'
import { CASES, DATA, fixture } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

// ---------------------------------------------------------------------------------------------
// Helpers: a text message as WeChat sends it, and the list a reply shows.

let msgId = 7_300_000_000_000_000_000n
function textXml(content: string, from: string): string {
  msgId++
  return (
    `<xml><ToUserName><![CDATA[gh_test_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>1747303200</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${content.replace(/]]>/g, ']]]]><![CDATA[>')}]]></Content><MsgId>${msgId}</MsgId></xml>`
  )
}

async function ask(app: TestApp['app'], content: string, from: string) {
  const res = await postSigned(app, textXml(content, from))
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} for ${content}`)
  return readReply(res.body)
}

/** The numbered place lines of a news description ("3. Name · 咖啡馆 · 120米"). */
const listed = (description: string) => description.split('\n').filter(l => /^\d+\. /.test(l))

interface Row {
  id: string
  name: string
  name_zh: string
  name_en: string
  category: string
  lat: string
  lon: string
  address: string
  website: string
}
const CSV = `${DATA}/shanghai_poi_osm.csv`
const rows = parse(readFileSync(CSV, 'utf8'), { columns: true }) as Row[]

/** The nearest rows to a WGS-84 point by computing every distance (no index), optionally filtered. */
/** Every row ranked by distance from `centre`, read as the server does: to the 6 decimals of the results-page URL. */
function bruteForce(centre: { lat: number; lng: number }, keep: (r: Row) => boolean = () => true, maxM = 5000) {
  const at = pagePoint(centre)
  return rows
    .filter(keep)
    .map(r => ({ row: r, d: distanceM(at, { lat: Number(r.lat), lng: Number(r.lon) }) }))
    .filter(x => x.d <= maxM)
    .sort((a, b) => a.d - b.d || (a.row.id < b.row.id ? -1 : 1))
}

/**
 * The list lines a reply shows for these rows, as ranked from `at`: a name that repeats among
 * them also says where the place is (its street, else its direction from `at`), and two that
 * still read alike are numbered in list order.
 */
const lines = (xs: ReturnType<typeof bruteForce>, from = 1, at?: { lat: number; lng: number }) => {
  const wheres = xs.map(x => {
    const repeated = xs.filter(y => y.row.name === x.row.name).length > 1
    return repeated ? (streetOf(x.row.address || null) ?? (at ? directionOf(pagePoint(at), { lat: Number(x.row.lat), lng: Number(x.row.lon) }) : undefined)) : undefined
  })
  const label = (i: number) => `${xs[i]!.row.name}（${wheres[i]}`
  return xs.map((x, i) => {
    const same = wheres[i] ? xs.map((_, j) => j).filter(j => wheres[j] && label(j) === label(i)) : []
    const name = !wheres[i] ? x.row.name : same.length > 1 ? `${label(i)}，第${same.indexOf(i) + 1}家）` : `${label(i)}）`
    return `${from + i}. ${name} · ${categoryLabel(x.row.category)} · ${formatDistance(x.d)}`
  })
}

/** A gazetteer row's own point, read from the shared file (not through the code under test). */
function pointOf(file: string, idColumn: string, id: string): { lat: number; lng: number } {
  const all = parse(readFileSync(`${DATA}/${file}`, 'utf8'), { columns: true }) as Record<string, string>[]
  const r = all.find(x => x[idColumn] === id)
  if (!r) throw new Error(`${id} not in ${file}`)
  return { lat: Number(r.lat), lng: Number(r.lon) }
}

const pageIds = (html: string) => [...html.matchAll(/data-id="([^"]+)"/g)].map(m => m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'))
const hasWord = (re: RegExp) => (r: Row) => [r.name, r.name_zh, r.name_en].some(n => n && re.test(n))
const categories = (...cs: string[]) => (r: Row) => cs.includes(r.category)

// ---------------------------------------------------------------------------------------------
// Handed cases: user text is never query syntax (04), numbers stay text (03).

const account = JSON.parse(readFileSync(`${CASES}/test-account.json`, 'utf8')) as { token: string }

async function replayCase(t: Test, dir: string, env: Record<string, string> = {}) {
  const app = await makeApp(t, t.testdir(), [`${dir}/catalogue.csv`], { WECHAT_TOKEN: account.token, ...env })
  const requests = (JSON.parse(readFileSync(`${dir}/requests.json`, 'utf8')) as {
    requests: { id: string; query: Record<string, string>; body: string }[]
  }).requests
  const replies = new Map<string, { status: number; body: string }>()
  for (const r of requests) {
    const started = performance.now()
    const res = await app.app.inject({
      method: 'POST',
      url: '/wechat',
      query: r.query,
      headers: { 'content-type': 'text/xml' },
      payload: readFileSync(`${dir}/${r.body}`),
    })
    t.ok(performance.now() - started < 4500, `${r.id} answered within the platform's deadline`)
    replies.set(r.id, { status: res.statusCode, body: res.body })
  }
  return { app, replies }
}

/** A REPLY in the cases' sense: 200, strict XML, the right parties, text or news. */
function reply(t: Test, id: string, res: { status: number; body: string } | undefined) {
  t.equal(res?.status, 200, `${id}: HTTP 200`)
  const x = readReply(res!.body)
  t.equal(x.ToUserName, 'oUser_test1', `${id}: to the sender`)
  t.equal(x.FromUserName, 'gh_test', `${id}: from the account`)
  t.match(x.CreateTime, /^\d{10}$/, `${id}: CreateTime in seconds`)
  t.ok(x.MsgType === 'text' || x.MsgType === 'news', `${id}: text or news`)
  t.notMatch(res!.body, /no such column|syntax error|fts5|SQLITE|unknown special query/i, `${id}: no SQLite error text`)
  return x
}

const firstListed = (x: Record<string, any>) => (x.MsgType === 'news' ? listed(x.Articles.item[0].Description)[0] : undefined)

t.test('case 04: FTS5 syntax in user text is only ever text', async t => {
  const dir = `${CASES}/04-fts5-syntax-from-user-text`
  const queries = JSON.parse(readFileSync(`${dir}/queries.json`, 'utf8')) as string[]
  t.equal(queries.length, 25)
  const { app, replies } = await replayCase(t, dir)
  const x = new Map([...replies].map(([id, res]) => [id, reply(t, id, res)]))

  const hilton = /^1\. Hilton Garden Inn Shanghai · 酒店 · /
  // Punctuation separates words: the Hilton is first.
  for (const id of ['q01', 'q02', 'q03']) t.match(firstListed(x.get(id)!), hilton, `${id} ${queries[Number(id.slice(1)) - 1]}`)
  // Operators and column filters are words like any other; the Hilton is found by its name.
  for (const id of ['q05', 'q06', 'q08', 'q10', 'q11', 'q16']) t.match(firstListed(x.get(id)!), hilton, `${id} ${queries[Number(id.slice(1)) - 1]}`)
  t.match(firstListed(x.get('q24')!), /^1\. Cafe NEAR the Bund · 咖啡馆 · /, 'q24 NEAR is a word of a name')
  t.match(firstListed(x.get('q17')!), /^1\. Jinjiang Inn · 酒店 · /, "q17 Jinjiang's")
  // 汉庭 is a chain: with no position, its one branch is listed, not made the centre of a search.
  t.match(firstListed(x.get('q25')!), /^1\. 汉庭酒店\(人民广场店\) · 酒店$/, 'q25 汉庭"酒店')
  t.equal(x.get('q25')!.Articles.item[0].Title, '「汉庭」：汉庭酒店(人民广场店)')

  // No match: a reply that says what was not found, echoing the text as typed.
  for (const [id, echo] of [['q04', 'wifi:free'], ['q18', '7.0'], ['q20', 'a'.repeat(20) + '…']] as const) {
    t.equal(x.get(id)!.MsgType, 'text', id)
    t.match(x.get(id)!.Content, `没有找到与“${echo}”相符的地名或地点。`, id)
  }
  // Only operators, punctuation or nothing: the help text.
  for (const id of ['q09', 'q12', 'q13', 'q14', 'q15', 'q22', 'q23']) t.equal(x.get(id)!.Content, HELP_TEXT, `${id} ${JSON.stringify(queries[Number(id.slice(1)) - 1])}`)
  t.match(x.get('q07')!.Content, '没有找到与“AND”相符的地名或地点。')
  // 🏨 is a wish for a hotel; this follower never sent a position.
  t.equal(x.get('q21')!.Content, '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），或加上地名，例如“人民广场 酒店”。')
  // The injection attempt is a name with noise beside it, and changes nothing.
  t.match(firstListed(x.get('q19')!), hilton)
  t.equal(app.catalogue.stats().places, 4, 'the catalogue still has exactly 4 rows')
})

t.test('case 03: numeric-looking text stays text', async t => {
  const dir = `${CASES}/03-numeric-looking-text`
  const { replies } = await replayCase(t, dir, { REPLY_STYLE: 'text' })
  const x = new Map([...replies].map(([id, res]) => [id, reply(t, id, res)]))
  const n1 = x.get('n1')!.Content as string
  t.match(n1, /^📍 以「0755 Boutique Hotel」为中心，最近的 4 个地点：\n1\. <a href="https:\/\/hotels\.example\.com\/h\/h301">0755 Boutique Hotel<\/a> 1米 · 酒店\n/)
  t.ok(n1.indexOf('0755 Boutique Hotel') < n1.indexOf('755 Sports Bar'), '755 Sports Bar is not ranked above it')
  t.match(x.get('n2')!.Content, '没有找到与“1e3”相符的地名或地点。')
  t.notMatch(x.get('n2')!.Content, 'Thousand Inn', '1e3 is not 1000')
  t.notMatch(x.get('n5')!.Content, 'Room 31', '0x1F is not 31')
  t.match(x.get('n5')!.Content, '没有找到与“0x1F”相符的地名或地点。')
  t.match(x.get('n4')!.Content, '没有找到与“007”相符的地名或地点。', 'spaces around are not part of the echo')
  for (const id of ['n3', 'n6', 'n7']) t.match(x.get(id)!.Content, '没有找到与', id)
  t.match(x.get('n7')!.Content, '“-1”', '-1 is not an operator')
})

// ---------------------------------------------------------------------------------------------
// The Shanghai data: the OSM catalogue and the four gazetteer files, one app for all.

const GAZETTEER = [
  `${DATA}/shanghai_landmarks_osm.csv`,
  `${DATA}/shanghai_places_wikidata.csv`,
  `${DATA}/shanghai_metro_stations_2017.csv`,
  `${DATA}/shanghai_admin_divisions.csv`,
]

t.test('the Shanghai examples', async t => {
  const app = await makeApp(t, t.testdir(), [CSV], {}, {}, {}, { gazetteer: GAZETTEER })
  const peoplesSquare = pointOf('shanghai_metro_stations_2017.csv', 'station_id', '2035')
  const bund = pointOf('shanghai_landmarks_osm.csv', 'id', 'osm:node/11290954427')
  const temple = pointOf('shanghai_landmarks_osm.csv', 'id', 'osm:way/13981430')

  t.test('a place and a wish: "人民广场附近的咖啡", and the page it links to', async t => {
    const x = await ask(app.app, '人民广场附近的咖啡', 'oUser_cafe_0000000000000000000')
    const cafes = bruteForce(peoplesSquare, categories('cafe', 'coffee'))
    t.ok(cafes.length > 10)
    t.equal(x.MsgType, 'news')
    const item = x.Articles.item[0]
    t.equal(item.Title, `「人民广场（地铁站）」附近的咖啡馆：${cafes[0]!.row.name}（${formatDistance(cafes[0]!.d)}）`)
    t.equal(
      item.Description,
      ['以「人民广场（地铁站）」为中心，最近的 10 个咖啡馆，由近到远：', ...lines(cafes.slice(0, 5), 1, peoplesSquare), '……点开查看全部及地图；发送“更多”看后面的'].join('\n'),
    )
    const url = new URL(item.Url)
    t.same(Object.fromEntries(url.searchParams), { lat: peoplesSquare.lat.toFixed(6), lng: peoplesSquare.lng.toFixed(6), w: 'cafe', t: '人民广场（地铁站）' })
    const page = await app.app.inject({ method: 'GET', url: url.pathname + url.search })
    t.equal(page.statusCode, 200)
    t.match(page.body, '<h1>「人民广场（地铁站）」附近的咖啡馆</h1>')
    t.same(pageIds(page.body), cafes.slice(0, 10).map(x => x.row.id), 'the page lists the same ten, in order')
  })

  t.test('two-character and English names', async t => {
    const x = await ask(app.app, '外滩', 'oUser_bund_0000000000000000000')
    const near = bruteForce(bund)
    t.equal(x.Articles.item[0].Title, `「外滩（地标）」附近：${near[0]!.row.name}（${formatDistance(near[0]!.d)}）`)
    t.same(listed(x.Articles.item[0].Description), lines(near.slice(0, 5), 1, bund))
    const en = await ask(app.app, "Jing'an Temple", 'oUser_temple_00000000000000000')
    t.match(en.Articles.item[0].Description, /^以「静安寺（地标）」为中心，最近的 10 个地点，由近到远：/)
    t.same(listed(en.Articles.item[0].Description), lines(bruteForce(temple).slice(0, 5), 1, temple))
    const square = await ask(app.app, "People's Square", 'oUser_square_00000000000000000')
    t.match(square.Articles.item[0].Title, /^「人民广场（地铁站）」附近：/)
  })

  t.test('a chain near a place: "KFC 静安寺"', async t => {
    const x = await ask(app.app, 'KFC 静安寺', 'oUser_kfc_00000000000000000000')
    const kfc = bruteForce(temple, r => hasWord(/(^|[^a-z0-9])kfc/i)(r) || hasWord(/肯德基/)(r))
    t.equal(x.Articles.item[0].Title, `「静安寺（地标）」附近的「KFC」：${kfc[0]!.row.name}（${formatDistance(kfc[0]!.d)}）`)
    t.same(listed(x.Articles.item[0].Description), lines(kfc.slice(0, 5), 1, temple))
    t.match(x.Articles.item[0].Url, '&b=KFC&t=')
  })

  t.test('a chain joined to the place by 的 or 有, and what was not understood in the words typed', async t => {
    const east = pointOf('shanghai_metro_stations_2017.csv', 'station_id', '2019')
    const starbucks = bruteForce(east, r => hasWord(/星巴克/)(r) || hasWord(/(^|[^a-z0-9])starbucks?/i)(r))
    for (const text of ['南京东路的星巴克', '南京东路有星巴克吗']) {
      const x = await ask(app.app, text, 'oUser_joined_00000000000000000')
      t.equal(x.Articles.item[0].Title, `「南京东路（地铁站）」附近的「星巴克」：${starbucks[0]!.row.name}（${formatDistance(starbucks[0]!.d)}）`, text)
      t.same(listed(x.Articles.item[0].Description), lines(starbucks.slice(0, 5), 1, east), text)
      t.notMatch(x.Articles.item[0].Description, '没看懂', text)
    }
    const square = await ask(app.app, '人民广场有没有星巴克', 'oUser_joined_00000000000000000')
    t.match(square.Articles.item[0].Title, /^「人民广场（地铁站）」附近的「星巴克」：/)
    const kfc = await ask(app.app, '静安寺附近的肯德基', 'oUser_joined_00000000000000000')
    t.match(kfc.Articles.item[0].Title, /^「静安寺（地标）」附近的「肯德基」：/)

    const coffee = await ask(app.app, 'coffee near Jing an temple', 'oUser_joined_00000000000000000')
    t.match(coffee.Articles.item[0].Title, /^「静安寺（地标）」附近的咖啡馆：/, 'Jing an = Jing\'an')
    t.notMatch(coffee.Articles.item[0].Description, '没看懂')
    const injected = await ask(app.app, "外滩' OR 1=1 --", 'oUser_joined_00000000000000000')
    t.match(injected.Articles.item[0].Title, /^「外滩（地标）」附近：/)
    t.notMatch(injected.Articles.item[0].Description, '没看懂', '"1=1" is noise, not a word to echo')
    const two = await ask(app.app, '外滩 and 静安寺站', 'oUser_joined_00000000000000000')
    t.match(two.Articles.item[0].Description, /\n（没看懂“静安寺站”，已略过）$/, 'the place left out, as typed')
    for (const text of ['谢谢', 'thanks']) t.equal((await ask(app.app, text, 'oUser_joined_00000000000000000')).Content, '不客气！想找附近的地方，随时发送位置，或输入地名，例如“人民广场 咖啡”。', text)
    for (const text of ['你好', 'hi', 'help']) t.equal((await ask(app.app, text, 'oUser_joined_00000000000000000')).Content, HELP_TEXT, text)
  })

  t.test('a wish without a place: the stored position, or how to send one', async t => {
    const none = await ask(app.app, '附近的酒店', 'oUser_nopos_000000000000000000')
    t.equal(none.MsgType, 'text')
    t.equal(none.Content, '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），或加上地名，例如“人民广场 酒店”。')

    // The LOCATION event (GCJ-02 near the Bund) is remembered, then the wish is answered from it.
    const event = await postSigned(app.app, readFileSync(fixture('event-location.xml'), 'utf8'))
    t.equal(event.body, 'success')
    const user = 'oUser_7f3a9c2e5b8d4a1f6e0c2b'
    const x = await ask(app.app, '附近的酒店', user)
    const at = gcj02ToWgs84({ lat: 31.240113, lng: 121.490317 })
    const hotels = bruteForce(at, categories('hotel', 'hostel', 'guest_house', 'motel', 'apartment'))
    t.equal(x.Articles.item[0].Title, `离您最近的酒店：${hotels[0]!.row.name}（${formatDistance(hotels[0]!.d)}）`)
    t.match(x.Articles.item[0].Description, `以您的位置为中心，最近的 ${Math.min(10, hotels.length)} 个酒店，由近到远：`)
    t.same(listed(x.Articles.item[0].Description), lines(hotels.slice(0, 5), 1, at))

    const brand = await ask(app.app, '星巴克', user)
    const starbucks = bruteForce(at, r => hasWord(/星巴克/)(r) || hasWord(/(^|[^a-z0-9])starbucks?/i)(r))
    t.same(listed(brand.Articles.item[0].Description), lines(starbucks.slice(0, 5), 1, at), 'a chain around the stored position')

    // A position older than POSITION_MAX_AGE_MIN (30) does not count.
    app.state.setPosition('default', 'oUser_oldpos_00000000000000000', { lat: at.lat, lng: at.lng, at: NOW_MS - 31 * 60_000, source: 'event' })
    const old = await ask(app.app, 'hotel', 'oUser_oldpos_00000000000000000')
    t.match(old.Content, /^想找附近的酒店？请先发送您的位置/)
    const chain = await ask(app.app, 'Starbucks', 'oUser_oldpos_00000000000000000')
    t.equal(chain.Content, '找到 94 个「Starbucks」。请发送您的位置（点“+”→“位置”），或加上地名，例如“Starbucks 人民广场”，我会列出最近的。')
  })

  t.test('"更多" continues the last list, page by page, until the chat list ends', async t => {
    const user = 'oUser_pager_000000000000000000'
    const none = await ask(app.app, '更多', user)
    t.equal(none.Content, '还没有可以继续的列表。请先发送位置，或输入地名和类别，例如“人民广场 咖啡”。')
    await ask(app.app, '人民广场 咖啡', user)
    const cafes = bruteForce(peoplesSquare, categories('cafe', 'coffee'))
    for (const [i, word] of ['更多', 'more', '下一页', '更多'].entries()) {
      const from = 11 + i * 10
      const x = await ask(app.app, word, user)
      const d = x.Articles.item[0].Description as string
      t.equal(x.Articles.item[0].Title, `「人民广场（地铁站）」附近的咖啡馆，第 ${from}–${from + 9} 个：${cafes[from - 1]!.row.name}（${formatDistance(cafes[from - 1]!.d)}）`, `${word}: the title says which ranks`)
      t.match(d, `以「人民广场（地铁站）」为中心，第 ${from}–${from + 9} 个咖啡馆，由近到远：`, word)
      t.same(listed(d), lines(cafes.slice(from - 1, from + 4), from, peoplesSquare), `${word}: places ${from}–${from + 4}`)
      t.match(x.Articles.item[0].Url, `&n=${from + 9}`, 'the page shows every place so far')
      // Places 41–50 are the last a chat list shows: that page invites no "更多".
      if (from < 41) t.match(d, /\n……点开查看全部及地图；发送“更多”看后面的$/, `${word}: more will come`)
      else t.match(d, /\n……点开查看全部及地图$/, 'the last page does not invite "更多"')
    }
    const end = await ask(app.app, '更多', user)
    t.match(end.Content, /^以「人民广场（地铁站）」为中心的咖啡馆已列出前 50 个。<a href="https:\/\/nearby\.example\.com\/places\?.*&n=100">点这里查看完整列表<\/a>$/)

    // After a location pin, "更多" continues the plain list.
    const pin = 'oUser_7f3a9c2e5b8d4a1f6e0c2b'
    await postSigned(app.app, readFileSync(fixture('location-shanghai-nanjing-road.xml'), 'utf8'))
    const more = await ask(app.app, '更多', pin)
    const pinAt = gcj02ToWgs84({ lat: 31.236712, lng: 121.481236 })
    const all = bruteForce(pinAt)
    t.equal(more.Articles.item[0].Title, `第 11–20 个地点：${all[10]!.row.name}（${formatDistance(all[10]!.d)}）`, 'not "离您最近" for the 11th place')
    t.match(more.Articles.item[0].Description, /^以您的位置为中心，第 11–20 个地点，由近到远：/)
    t.same(listed(more.Articles.item[0].Description), lines(all.slice(10, 15), 11, pinAt))
  })

  t.test('voice with recognised text is answered like typed text', async t => {
    const res = await postSigned(app.app, readFileSync(fixture('voice.xml'), 'utf8'))
    const x = readReply(res.body)
    // "南京路附近有什么酒店推荐。": the road 南京路 (Wikidata) and hotels.
    const road = pointOf('shanghai_places_wikidata.csv', 'qid', 'Q579977')
    const hotels = bruteForce(road, categories('hotel', 'hostel', 'guest_house', 'motel', 'apartment'))
    t.equal(x.MsgType, 'news')
    t.equal(x.Articles.item[0].Title, `「南京路」附近的酒店：${hotels[0]!.row.name}（${formatDistance(hotels[0]!.d)}）`)
    t.same(listed(x.Articles.item[0].Description), lines(hotels.slice(0, 5), 1, road))
  })

  t.test('nothing found: what was read, and what to try', async t => {
    const x = await ask(app.app, 'asdfgh qwerty', 'oUser_lost_0000000000000000000')
    t.equal(
      x.Content,
      '没有找到与“asdfgh qwerty”相符的地名或地点。\n可以输入地名（如“人民广场”“外滩”）、类别（如“咖啡”“酒店”），或二者一起（如“外滩 酒店”）；也可以直接发送位置。',
    )
    const far = await ask(app.app, '浦东机场 加油站', 'oUser_lost_0000000000000000000')
    // The nearest fuel station anywhere, by computing every distance from the station's point.
    const airport = pointOf('shanghai_metro_stations_2017.csv', 'station_id', '263')
    const [fuel] = bruteForce(airport, categories('fuel'), Number.POSITIVE_INFINITY)
    t.ok(fuel!.d > 5000)
    const fuelName = fuel!.row.name_zh && fuel!.row.name_zh.length < fuel!.row.name.length ? fuel!.row.name_zh : fuel!.row.name
    t.equal(
      far.Content,
      `以「浦东国际机场（地铁站）」为中心，5公里内没有找到加油站。\n最近的加油站在 ${formatDistance(fuel!.d)}外（${fuelName}）。\n可以换个地名或类别再试，例如“人民广场 咖啡”，或直接发送位置。`,
    )
  })
})

t.test('the text reply style lists the places with links and names the centre', async t => {
  const app = await makeApp(t, t.testdir(), [join(CASES, '04-fts5-syntax-from-user-text/catalogue.csv')], { REPLY_STYLE: 'text', RESULT_COUNT: '3' })
  const user = 'oUser_style_000000000000000000'
  const hanting = '汉庭酒店(人民广场店)'
  const x = await ask(app.app, `${hanting} 酒店`, user)
  const content = x.Content as string
  t.match(content, /^📍 以「汉庭酒店\(人民广场店\)」为中心，最近的 3 个酒店：\n1\. <a href="https:\/\/hotels\.example\.com\/h\/h403">汉庭酒店\(人民广场店\)<\/a> 1米 · 酒店\n/)
  const tail = new URLSearchParams({ w: 'hotel', t: hanting }).toString()
  t.match(content, new RegExp(`\\n<a href="https://nearby\\.example\\.com/places\\?lat=[\\d.]+&lng=[\\d.]+&${tail.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}">查看全部及地图</a>$`))
  t.notMatch(content, '更多', 'the three hotels are all there are')

  // Three of the four places, then the fourth, then the end of the list.
  const first = (await ask(app.app, hanting, user)).Content as string
  t.match(first, /^📍 以「汉庭酒店\(人民广场店\)」为中心，最近的 3 个地点：\n/)
  t.match(first, /\n发送“更多”看后面的\n<a href="[^"]+">查看全部及地图<\/a>$/, 'a fourth place is there: "更多" is offered')
  const fourth = (await ask(app.app, '更多', user)).Content as string
  t.match(fourth, /^📍 以「汉庭酒店\(人民广场店\)」为中心，第 4 个地点：\n4\. <a href="https:\/\/hotels\.example\.com\/h\/h40\d">[^<]+<\/a> [\d.]+(米|公里) · /)
  t.notMatch(fourth, '更多', 'nothing after the fourth')
  t.equal((await ask(app.app, '更多', user)).Content, '以「汉庭酒店(人民广场店)」为中心，5公里内的地点已经全部列出（共 4 个）。可以换个地名或类别再试。')

  // A chain with one branch and no position: that branch is listed, not made a centre at 1 m.
  const chain = (await ask(app.app, 'Hilton hotel', 'oUser_chain_000000000000000000')).Content as string
  t.equal(
    chain,
    '收录的「Hilton」共 1 家：\n1. <a href="https://hotels.example.com/h/h401">Hilton Garden Inn Shanghai</a> · 酒店 · Huangpu District, Shanghai\n' +
      '发送您的位置（点“+”→“位置”），我会告诉您离它多远。',
  )
})

t.test('text replies count the places they show, and "更多" continues right after the last one', async t => {
  // The Shanghai catalogue and one row whose name is a link to somewhere else.
  const dir = t.testdir()
  const evil = join(dir, 'evil.csv')
  writeFileSync(evil, 'id,name,category,lat,lng,crs,address,url\nx-evil,"<a href=""https://evil.example"">点我领红包</a>",cafe,31.2349,121.4708,wgs84,,\n')
  const app = await makeApp(t, dir, [CSV, evil], { REPLY_STYLE: 'text', RESULT_COUNT: '50' }, {}, {}, { gazetteer: GAZETTEER })
  const square = pointOf('shanghai_metro_stations_2017.csv', 'station_id', '2035')
  const all = [
    { row: { id: 'x-evil', name: '<a href="https://evil.example">点我领红包</a>' }, d: distanceM(pagePoint(square), { lat: 31.2349, lng: 121.4708 }) },
    ...bruteForce(square),
  ].sort((a, b) => a.d - b.d || (a.row.id < b.row.id ? -1 : 1))
  const user = 'oUser_fifty_000000000000000000'
  let next = 1
  for (const word of ['人民广场', '更多', '更多']) {
    const content = (await ask(app.app, word, user)).Content as string
    t.ok(Buffer.byteLength(content, 'utf8') <= 2000, `${word}: within 2,000 bytes`)
    const shown = content.split('\n').filter(l => /^\d+\. /.test(l))
    t.ok(shown.length >= 5 && shown.length < 50, `${word}: ${shown.length} places fit`)
    const head = next === 1 ? `📍 以「人民广场（地铁站）」为中心，最近的 ${shown.length} 个地点：` : `📍 以「人民广场（地铁站）」为中心，第 ${next}–${next + shown.length - 1} 个地点：`
    t.equal(content.split('\n')[0], head, `${word}: the heading counts the places listed`)
    shown.forEach((line, i) => {
      const rank = next + i
      const place = all[rank - 1]!
      t.ok(line.startsWith(`${rank}. <a href="`), `rank ${rank}`)
      const link = line.match(/<a href="([^"]+)">/)![1]!
      const site = (place.row as Row).website
      if (site) t.equal(link, site, `rank ${rank}: its website`)
      else t.match(link, new RegExp(`/places\\?[^#]+#p${rank}$`), `rank ${rank}: its own entry on the results page`)
    })
    t.match(content, /\n发送“更多”看后面的\n<a href="[^"]+">查看全部及地图<\/a>$/)
    next += shown.length
  }
  const first = (await ask(app.app, '人民广场', 'oUser_fifty_evil_0000000000000')).Content as string
  t.notMatch(first, /<a\s+href="https:\/\/evil/i, 'a name never becomes a link')
  t.equal(first.match(/<a /g)!.length, first.match(/<\/a>/g)!.length, 'every link is ours and closed')
  t.match(first, '1. <a href="https://nearby.example.com/places?', 'the row is still listed, with our own link')
  t.match(first, '>＜a href="https://evil.example"＞点我领红包＜/a＞</a> ', 'its markup shown as text')
})

t.test('the demo data: a chain with one branch or none, and the temple where it is', async t => {
  const root = projectRoot()
  const app = await makeApp(t, t.testdir(), [join(root, 'data/demo-catalogue.csv')], {}, {}, {}, { gazetteer: [join(root, 'data/demo-gazetteer.csv')] })
  const user = 'oUser_demo_0000000000000000000'
  // No KFC in this catalogue: said so, around the place named, never "not understood".
  t.equal((await ask(app.app, 'KFC 静安寺', user)).Content, '以「静安寺（地标）」为中心，5公里内没有找到「KFC」。\n可以换个地名或类别再试，例如“人民广场 咖啡”，或直接发送位置。')
  t.equal((await ask(app.app, '静安寺肯德基', user)).Content, '以「静安寺（地标）」为中心，5公里内没有找到「肯德基」。\n可以换个地名或类别再试，例如“人民广场 咖啡”，或直接发送位置。')
  t.equal((await ask(app.app, 'KFC', user)).Content, '暂时没有收录「KFC」的门店。可以换个名字或类别再试，例如“人民广场 咖啡”。')

  // One Starbucks: without a position it is listed (with its map), not made a centre at 1 m.
  const one = (await ask(app.app, '星巴克', user)).Articles.item[0]
  t.equal(one.Title, '「星巴克」：星巴克臻选上海烘焙工坊')
  t.equal(one.Description, '收录的「星巴克」共 1 家：\n1. 星巴克臻选上海烘焙工坊 · 咖啡馆 · 南京西路789号兴业太古汇\n点开看地图。发送您的位置（点“+”→“位置”），我会告诉您离它多远。')
  t.match(one.Url, /^https:\/\/uri\.amap\.com\/marker\?position=121\.46\d+,31\.23\d+&name=/)
  // With a position: the branches near the follower, by distance.
  const at = { lat: 31.2416, lng: 121.4883 }
  app.state.setPosition('default', user, { ...at, at: NOW_MS, source: 'message' })
  const near = (await ask(app.app, '星巴克', user)).Articles.item[0]
  const roastery = { lat: 31.23264, lng: 121.45782 }
  t.equal(near.Title, `离您最近的「星巴克」：星巴克臻选上海烘焙工坊（${formatDistance(distanceM(pagePoint(at), roastery))}）`)

  // 静安寺 the temple (gazetteer) and 静安寺 the catalogue's sight are the same place.
  const temple = (await ask(app.app, '静安寺', user)).Articles.item[0]
  const [first] = listed(temple.Description)
  t.match(first, /^1\. 静安寺 · 景点 · (\d+)米$/)
  t.ok(Number(first!.match(/(\d+)米$/)![1]) < 50, String(first))
})

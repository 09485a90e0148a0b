import { parse } from 'csv-parse/sync'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { gcj02ToWgs84 } from '../../src/geo/datum.js'
import { distanceM } from '../../src/geo/distance.js'
import { categoryLabel } from '../../src/recommend/categories.js'
import { formatDistance } from '../../src/recommend/format.js'
import { nearestBeyond } from '../../src/recommend/nearest-beyond.js'
import { answerMessage } from '../../src/http/answer.js'
import { pagePoint } from '../../src/http/places-url.js'
import { makeApp, NOW_MS, postSigned } from '../helpers/app.js'
import { DATA, fixture } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

const CSV = `${DATA}/shanghai_poi_osm.csv`
const rows = parse(readFileSync(CSV, 'utf8'), { columns: true }) as { id: string; name: string; name_zh: string; category: string; lat: string; lon: string }[]

/** The nearest `k` rows to a WGS-84 point, by computing every distance (no index). */
function bruteForce(at: { lat: number; lng: number }, k: number, maxM = 5000) {
  return rows
    .map(r => ({ row: r, d: distanceM(at, { lat: Number(r.lat), lng: Number(r.lon) }) }))
    .filter(x => x.d <= maxM)
    .sort((a, b) => a.d - b.d || (a.row.id < b.row.id ? -1 : 1))
    .slice(0, k)
}

const pageIds = (html: string) => [...html.matchAll(/data-id="([^"]+)"/g)].map(m => m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'))

t.test('a Nanjing Road location is answered with the true nearest places of the OSM catalogue', async t => {
  const { app } = await makeApp(t, t.testdir(), [CSV])
  const xml = readFileSync(fixture('location-shanghai-nanjing-road.xml'), 'utf8')
  const res = await postSigned(app, xml)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /xml/)

  // Same datum conversion as the server: the pin is GCJ-02, the catalogue WGS-84; the point is
  // kept to the 6 decimals of the results-page URL, so reply and page show the same distances.
  const at = pagePoint(gcj02ToWgs84({ lat: 31.236712, lng: 121.481236 }))
  const expected = bruteForce(at, 10)
  t.equal(expected.length, 10)

  const reply = readReply(res.body)
  t.equal(reply.ToUserName, 'oUser_7f3a9c2e5b8d4a1f6e0c2b')
  t.equal(reply.FromUserName, 'gh_test_account')
  t.equal(reply.CreateTime, String(NOW_MS / 1000))
  t.equal(reply.MsgType, 'news')
  t.equal(reply.ArticleCount, '1')
  t.equal(reply.Articles.item.length, 1, 'exactly one article: the platform shows one for a user message')
  const item = reply.Articles.item[0]
  const [first] = expected
  t.equal(item.Title, `离您最近：${first!.row.name}（${formatDistance(first!.d)}）`)
  t.equal(
    item.Description,
    [
      '以您的位置为中心，最近的 10 个地点，由近到远：',
      ...expected.slice(0, 5).map((x, i) => `${i + 1}. ${x.row.name} · ${categoryLabel(x.row.category)} · ${formatDistance(x.d)}`),
      '……点开查看全部及地图；发送“更多”看后面的',
    ].join('\n'),
  )
  t.equal(item.Url, `https://nearby.example.com/places?lat=${at.lat.toFixed(6)}&lng=${at.lng.toFixed(6)}`)
  t.equal(item.PicUrl, '')

  // The page the article opens ranks the same ten, in the same order.
  const page = await app.inject({ method: 'GET', url: item.Url.replace('https://nearby.example.com', '') })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.same(pageIds(page.body), expected.map(x => x.row.id))
  const pageDistances = [...page.body.matchAll(/<span class="dist">([^<]+)<\/span>/g)].map(m => m[1])
  t.same(pageDistances, expected.map(x => formatDistance(x.d)), 'the page shows the same distances as the reply')
})

t.test('the datum matters: ranking the raw GCJ-02 pin would give another list', async t => {
  const converted = bruteForce(gcj02ToWgs84({ lat: 31.236712, lng: 121.481236 }), 10).map(x => x.row.id)
  const raw = bruteForce({ lat: 31.236712, lng: 121.481236 }, 10).map(x => x.row.id)
  t.not(converted.join(), raw.join())
})

t.test('the text reply style lists the ten places with links, nearest first', async t => {
  const { app } = await makeApp(t, t.testdir(), [CSV], { REPLY_STYLE: 'text' })
  const res = await postSigned(app, readFileSync(fixture('location-shanghai-nanjing-road.xml'), 'utf8'))
  const reply = readReply(res.body)
  t.equal(reply.MsgType, 'text')
  const expected = bruteForce(pagePoint(gcj02ToWgs84({ lat: 31.236712, lng: 121.481236 })), 10)
  const lines = (reply.Content as string).split('\n')
  t.equal(lines[0], '📍 离您最近的 10 个地点：')
  expected.forEach((x, i) => t.match(lines[i + 1], `${i + 1}. <a href="`, `line ${i + 1}`))
  expected.forEach((x, i) => t.match(lines[i + 1], `>${x.row.name}</a> ${formatDistance(x.d)}`))
  t.match(lines.at(-1), /^<a href="https:\/\/nearby\.example\.com\/places\?lat=.*">查看全部及地图<\/a>$/)
  t.ok(Buffer.byteLength(reply.Content, 'utf8') <= 2000)
})

t.test('a pin far from every place is told where the nearest catalogued place is', async t => {
  const { app } = await makeApp(t, t.testdir(), [CSV])
  const res = await postSigned(app, readFileSync(fixture('location-beijing-wangfujing.xml'), 'utf8'))
  const reply = readReply(res.body)
  t.equal(reply.MsgType, 'text')
  const pin = readFileSync(fixture('location-beijing-wangfujing.xml'), 'utf8')
  const at = pagePoint(gcj02ToWgs84({ lat: Number(pin.match(/<Location_X>([^<]+)/)![1]), lng: Number(pin.match(/<Location_Y>([^<]+)/)![1]) }))
  const [nearest] = bruteForce(at, 1, Number.POSITIVE_INFINITY)
  t.ok(nearest!.d > 1_000_000, 'over 1,000 km away')
  const row = nearest!.row as { name: string; name_zh?: string }
  const name = row.name_zh && row.name_zh.length < row.name.length ? row.name_zh : row.name
  t.equal(
    reply.Content,
    `抱歉，您附近 5公里内暂时没有收录的地点。\n最近的收录地点在 ${formatDistance(nearest!.d)}外（${name}）。\n` +
      '可以换个位置再发一次，或者直接输入地名，例如“人民广场”“外滩 咖啡”。',
  )
  t.match(formatDistance(nearest!.d), /^1,\d{3}公里$/)
})

t.test('the nearest place beyond the radius is the true nearest, by a few capped reads', async t => {
  const { catalogue } = await makeApp(t, t.testdir(), [CSV])
  // Points around the catalogue at growing distances, and the nearest row to each by brute force.
  const points = [
    { lat: 39.9149, lng: 116.4039 }, // Beijing
    { lat: 30.2741, lng: 120.1551 }, // Hangzhou
    { lat: 31.0, lng: 122.5 }, // the sea east of Shanghai
    { lat: -33.87, lng: 151.21 }, // Sydney
    { lat: 51.5, lng: -0.12 }, // London
  ]
  for (const [i, p] of points.entries()) {
    const [want] = bruteForce(p, 1, Number.POSITIVE_INFINITY)
    const got = nearestBeyond(p, catalogue, 5000)
    if (i < 3) {
      t.equal(got?.place.id, want!.row.id, `${p.lat},${p.lng}`)
      t.equal(Math.round(got!.distanceM), Math.round(want!.d))
    } else {
      // From another continent every place is inside the first box: a near one, within 1 %.
      t.ok(got!.distanceM >= want!.d && got!.distanceM <= want!.d * 1.01, `${p.lat},${p.lng}: ${got!.distanceM} vs ${want!.d}`)
    }
  }
  let reads = 0
  const counting = { ...catalogue, inBox: catalogue.inBox.bind(catalogue), placesByKey: catalogue.placesByKey.bind(catalogue), pointsInBox: (...a: Parameters<typeof catalogue.pointsInBox>) => (reads++, catalogue.pointsInBox(...a)) }
  nearestBeyond(points[3]!, counting, 5000)
  t.ok(reads < 40, `${reads} box reads from Sydney`)
})

t.test('two worker processes sharing the state file answer a retry with the first delivery\'s reply', async t => {
  const dir = t.testdir()
  mkdirSync(join(dir, 'a'))
  mkdirSync(join(dir, 'b'))
  const { DeliveryLog } = await import('../../src/state/delivery-log.js')
  const logA = new DeliveryLog(join(dir, 'state.sqlite'), 60_000)
  const logB = new DeliveryLog(join(dir, 'state.sqlite'), 60_000)
  t.teardown(() => {
    logA.close()
    logB.close()
  })
  let answers = 0
  const counting = { answer: async (...args: Parameters<typeof answerMessage>) => (answers++, answerMessage(...args)) }
  const a = await makeApp(t, join(dir, 'a'), [CSV], {}, {}, { deliveryStore: logA, ...counting })
  const b = await makeApp(t, join(dir, 'b'), [CSV], {}, {}, { deliveryStore: logB, ...counting })
  const xml = readFileSync(fixture('location-shanghai-nanjing-road.xml'), 'utf8')
  const first = await postSigned(a.app, xml)
  const retry = await postSigned(b.app, xml)
  t.equal(first.statusCode, 200)
  t.equal(answers, 1, 'answered once')
  t.same(readReply(retry.body), readReply(first.body), 'the same reply, read back from the shared file')
  t.match(readReply(retry.body), { MsgType: 'news' })
})

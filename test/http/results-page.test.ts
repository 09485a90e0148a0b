import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { pageSize } from '../../src/http/places-routes.js'
import { projectRoot } from '../../src/project-root.js'
import { makeApp, signedQuery } from '../helpers/app.js'

const DEMO = join(projectRoot(), 'data/demo-catalogue.csv')
const DEMO_GAZETTEER = join(projectRoot(), 'data/demo-gazetteer.csv')
/** demo-g04 in the demo gazetteer: the metro station, at its point as a reply's link gives it. */
const STATION = (() => {
  const row = readFileSync(DEMO_GAZETTEER, 'utf8').split('\n').find(l => l.startsWith('demo-g04,'))!.split(',')
  return { lat: Number(row[5]).toFixed(6), lng: Number(row[6]).toFixed(6), label: '人民广场（地铁站）' }
})()

const demoApp = (t: Test) => makeApp(t, t.testdir(), [DEMO], {}, {}, {}, { gazetteer: [DEMO_GAZETTEER] })
const h1 = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1]
const ids = (html: string) => [...html.matchAll(/data-id="([^"]+)"/g)].map(m => m[1])
const page = (q: Record<string, string>) => `/places?${new URLSearchParams(q).toString()}`

t.test('the heading shows only names the server vouches for', async t => {
  const { app } = await demoApp(t)
  const get = async (q: Record<string, string>) => (await app.inject({ method: 'GET', url: page(q) })).body

  const genuine = await get({ lat: STATION.lat, lng: STATION.lng, w: 'cafe', t: STATION.label })
  t.equal(h1(genuine), '「人民广场（地铁站）」附近的咖啡馆', 'a reply’s own link keeps its heading')
  t.notMatch(genuine, 'class="where"')

  const spoofs = [
    { lat: STATION.lat, lng: STATION.lng, t: '警方提醒：您的账户涉嫌洗钱，请拨打110' },
    { lat: STATION.lat, lng: STATION.lng, t: '人民广场（警方提醒：请拨打110）' },
    // The right words at another point: the name is not the place there.
    { lat: '31.243500', lng: STATION.lng, t: STATION.label },
  ]
  for (const q of spoofs) {
    const html = await get(q)
    t.equal(h1(html), '所选位置附近的地点', q.t)
    t.notMatch(html, '警方', q.t)
    t.match(html, `<p class="where">位置：${Number(q.lat).toFixed(5)}, ${Number(q.lng).toFixed(5)}</p>`)
  }
  const brand = await get({ lat: STATION.lat, lng: STATION.lng, b: '警方提醒请拨打110' })
  t.equal(h1(brand), '离您最近的地点', 'a chain no place is named after is not shown')
  t.notMatch(brand, '警方')
  t.same(ids(brand), [])
})

t.test('n is a whole number of places from 1 to 100; anything else gives RESULT_COUNT', async t => {
  const { app } = await demoApp(t)
  const count = async (n: string) => ids((await app.inject({ method: 'GET', url: page({ lat: '31.2387', lng: '121.4768', n }) })).body).length
  t.same(
    await Promise.all(['3', '1', '-1', '0', 'abc', '2.5', '3e1', '25', '500'].map(count)),
    [3, 1, 10, 10, 10, 10, 10, 25, 29],
    '29 of the demo catalogue’s places are within 5 km',
  )
  t.same(['500', '100', '99', ' 7 ', ''].map(n => pageSize(n, 10)), [100, 100, 99, 7, 10])
})

t.test('a bad link gets a short Chinese page; an unknown route never repeats its URL', async t => {
  const { app } = await demoApp(t)
  for (const [url, status] of [['/places?lat=91&lng=0', 400], ['/places?lat=31', 400], ['/places?lat=0x1F&lng=121', 400], ['/places?lat=3.1e1&lng=121.4', 400], ['/places?lat=%2031.2&lng=121.4', 400], ['/places?lat=31.2&lng=121.4&a=nobody', 404]] as const) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, status, url)
    t.match(res.headers['content-type'], 'text/html; charset=utf-8')
    t.match(h1(res.body), '无法显示附近的地点')
    t.match(res.body, '请回到公众号重新发送位置。')
  }
  const query = new URLSearchParams({ ...signedQuery(), openid: 'oUser_secret_openid' }).toString()
  const missing = await app.inject({ method: 'GET', url: `/wechat/typo?${query}` })
  t.equal(missing.statusCode, 404)
  t.equal(missing.body, 'not found')
})

t.test('OpenStreetMap places carry the attribution, as links', async t => {
  const dir = t.testdir()
  const csv = join(dir, 'osm.csv')
  writeFileSync(csv, 'id,name,category,lat,lng\nosm:node/1,OSM Cafe,cafe,31.2387,121.4768\n')
  const { app } = await makeApp(t, dir, [csv])
  const html = (await app.inject({ method: 'GET', url: '/places?lat=31.2387&lng=121.4768' })).body
  t.match(
    html,
    '<p>© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors. ' +
      'Data available under the <a href="https://opendatacommons.org/licenses/odbl/">Open Database License (ODbL)</a>.</p>',
  )
})

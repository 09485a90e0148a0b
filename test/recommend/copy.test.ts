import t from 'tap'
import { cityOf, directionOf, formatDistance, inert, listNames, streetOf } from '../../src/recommend/format.js'
import type { Place, RankedPlace } from '../../src/recommend/place.js'
import { chainBranchesText, needPosition, nothingFoundAround, nothingNearby, notUnderstood } from '../../src/recommend/prompt-copy.js'
import { listSearchAsText, summariseSearch } from '../../src/recommend/search-copy.js'

const place = (id: string, name: string, extra: Partial<Place> = {}): Place => ({
  id,
  name,
  nameZh: null,
  nameEn: null,
  category: 'cafe',
  lat: 31.23,
  lng: 121.47,
  address: null,
  phone: null,
  url: null,
  pictureUrl: null,
  ...extra,
})
const ranked = (p: Place, d: number): RankedPlace => ({ place: p, distanceM: d })

t.test('distances: metres, one decimal below 10 km, thousands separated beyond', async t => {
  t.same([85, 950, 1234, 12_345, 1_070_400].map(formatDistance), ['85米', '950米', '1.2公里', '12公里', '1,070公里'])
})

t.test('markup in a name cannot make a link in a text reply; everything else reads as catalogued', async t => {
  t.equal(inert('<a href="https://evil.example">点我领红包</a>'), '＜a href="https://evil.example"＞点我领红包＜/a＞')
  t.equal(inert('< A HREF=x>y</A >'), '＜ A HREF=x＞y＜/A ＞')
  t.equal(inert('x <a'), 'x ＜a', 'an unclosed tag too')
  t.equal(inert('Bar ]]> Lounge & Inn <B>'), 'Bar ]]> Lounge & Inn <B>', 'case 07 reads back exactly')
  t.equal(inert('<abbr>1 < 2 > 0'), '<abbr>1 < 2 > 0')
  t.match(notUnderstood('<a href="x">hi</a>', undefined), '没有找到与“＜a href="x"＞hi＜/a＞”相符')
})

t.test('names that repeat in a list say where each one is', async t => {
  const at = { lat: 31.23, lng: 121.47 }
  const list = [
    ranked(place('1', '星巴克', { address: '上海市黄浦区 南京东路 300号' }), 100),
    ranked(place('2', '星巴克', { lat: 31.24, lng: 121.48 }), 200),
    ranked(place('3', 'Costa'), 300),
    ranked(place('4', '星巴克', { lat: 31.22, lng: 121.47 }), 400),
  ]
  t.same(listNames(list, at), ['星巴克（南京东路 300号）', '星巴克（东北方向）', 'Costa', '星巴克（南方向）'])
  t.same(listNames([list[0]!, list[2]!], at), ['星巴克', 'Costa'], 'names that do not repeat stay as they are')
  t.equal(listNames([ranked(place('5', 'Vertical\u000bTab\nHotel'), 1)])[0], 'Vertical Tab Hotel', 'one line')
  // Two branches with no address in the same eighth of the compass: still two different labels.
  const east = [
    ranked(place('6', '星巴克', { lat: 31.23, lng: 121.471 }), 117),
    ranked(place('7', 'Costa'), 150),
    ranked(place('8', '星巴克', { lat: 31.23, lng: 121.472 }), 220),
    ranked(place('9', '星巴克', { lat: 31.231, lng: 121.47 }), 300),
  ]
  t.same(listNames(east, at), ['星巴克（东方向，第1家）', 'Costa', '星巴克（东方向，第2家）', '星巴克（北方向）'])
})

t.test('the street of an address, and its city', async t => {
  const rows: [string | null, string | undefined, string | undefined][] = [
    ['上海市黄浦区南京东路20号', '南京东路20号', '上海'],
    ['上海市 医学院路', '医学院路', '上海'],
    ['杭州市西湖区北山街78号', '北山街78号', '杭州'],
    ['Shanghai Qingpu Huqingping Road 1915', 'Qingpu Huqingping Road 1915', undefined],
    ['上海市黄浦区', undefined, '上海'],
    ['浦东新区世纪大道100号上海环球金融中心', '世纪大道100号上海环球金融…', undefined],
    [null, undefined, undefined],
  ]
  for (const [address, street, city] of rows) {
    t.equal(streetOf(address), street, `street of ${address}`)
    t.equal(cityOf(address), city, `city of ${address}`)
  }
  t.equal(directionOf({ lat: 31, lng: 121 }, { lat: 31.01, lng: 121 }), '北方向')
  t.equal(directionOf({ lat: 31, lng: 121 }, { lat: 30.99, lng: 120.99 }), '西南方向')
})

t.test('a text list fits 2,000 bytes by whole lines and counts only what it shows', async t => {
  const places = Array.from({ length: 50 }, (_, i) => ranked(place(`p${i}`, `很长的名字的咖啡馆第${i + 1}号分店`), 10 * (i + 1)))
  const page = (n: number) => `https://x.example/places?lat=1&lng=2${n > 0 ? `&n=${n}` : ''}`
  const asked: number[] = []
  const { reply, count } = listSearchAsText(places, 2000, { centreLabel: '人民广场（地铁站）', from: 11 }, { pageUrl: page, moreAfter: n => (asked.push(n), true) })
  t.ok(count > 5 && count < 50)
  t.ok(Buffer.byteLength(reply, 'utf8') <= 2000)
  const lines = reply.split('\n')
  t.equal(lines[0], `📍 以「人民广场（地铁站）」为中心，第 11–${10 + count} 个地点：`)
  t.equal(lines.filter(l => /^\d+\. /.test(l)).length, count)
  t.match(lines[1], /^11\. <a href="https:\/\/x\.example\/places\?lat=1&lng=2&n=\d+#p11">很长的名字的咖啡馆第1号分店<\/a> 10米 · 咖啡馆$/)
  t.equal(lines.at(-2), '发送“更多”看后面的')
  t.equal(lines.at(-1), `<a href="${page(10 + count)}">查看全部及地图</a>`)
  t.equal(asked.at(-1), 10 + count, '"更多" is asked about after the last place shown')
})

t.test('a news article: the first page counts the nearest, later pages say their ranks', async t => {
  const places = [1, 2, 3, 4, 5, 6].map(i => ranked(place(`p${i}`, `店${i}`), i * 100))
  const links = (more: boolean) => ({ pageUrl: (n: number) => `u${n}`, moreAfter: () => more })
  const first = summariseSearch(places, {}, links(true)).reply
  t.equal(first.title, '离您最近：店1（100米）')
  t.equal(first.description.split('\n')[0], '以您的位置为中心，最近的 6 个地点，由近到远：')
  t.equal(first.description.split('\n').at(-1), '……点开查看全部及地图；发送“更多”看后面的')
  const later = summariseSearch(places, { from: 45, what: '咖啡馆' }, links(false)).reply
  t.equal(later.title, '第 45–50 个咖啡馆：店1（100米）')
  t.equal(later.description.split('\n').at(-1), '……点开查看全部及地图', 'no "更多" when none will come')
  t.equal(later.url, 'u50')
})

t.test('nothing near: where the nearest place is, and the account\'s example places', async t => {
  const far = ranked(place('n', '南京饭店', { address: '上海市黄浦区山西南路200号' }), 1_070_400)
  t.equal(
    nothingNearby(5000, far, ['西湖', '断桥']),
    '抱歉，您附近 5公里内暂时没有收录的地点。\n最近的收录地点在 1,070公里外的上海（南京饭店）。\n可以换个位置再发一次，或者直接输入地名，例如“西湖”“断桥 咖啡”。',
  )
  t.equal(nothingNearby(5000, undefined, undefined), '抱歉，您附近 5公里内暂时没有收录的地点。\n可以换个位置再发一次，或者直接输入地名，例如“人民广场”“外滩 咖啡”。')
  const zh = ranked(place('z', '上海崇明机场 Shanghai Chongming Airport', { nameZh: '上海崇明机场' }), 1_027_600)
  t.match(nothingNearby(5000, zh, undefined), '最近的收录地点在 1,028公里外（上海崇明机场）。')
  t.equal(
    nothingFoundAround({ centreLabel: '<a href=x>', what: '加油站' }, 5000, undefined, ['西湖']),
    '以「＜a href=x＞」为中心，5公里内没有找到加油站。\n可以换个地名或类别再试，例如“西湖 咖啡”，或直接发送位置。',
  )
  t.equal(needPosition('酒店', { menu: true }), '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），再点一次菜单。')
  t.equal(needPosition('酒店', { examples: ['西湖'] }), '想找附近的酒店？请先发送您的位置（点输入框旁的“+”→“位置”），或加上地名，例如“西湖 酒店”。')
})

t.test('a chain with few branches and no position lists them, each with its own link', async t => {
  const text = chainBranchesText('星巴克', [
    place('a', '星巴克臻选', { url: 'https://starbucks.example/r', address: '上海市静安区南京西路789号' }),
    place('b', '<a href="x">星巴克</a>', { lat: 31.2, lng: 121.4 }),
  ])
  const lines = text.split('\n')
  t.equal(lines[0], '收录的「星巴克」共 2 家：')
  t.equal(lines[1], '1. <a href="https://starbucks.example/r">星巴克臻选</a> · 咖啡馆 · 南京西路789号')
  t.match(lines[2], /^2\. <a href="https:\/\/uri\.amap\.com\/marker\?position=121\.40\d+,31\.19\d+&name=[^"]+">＜a href="x"＞星巴克＜\/a＞<\/a> · 咖啡馆$/)
  t.equal(lines[3], '发送您的位置（点“+”→“位置”），我会告诉您哪家离您最近。')
})

import { join } from 'node:path'
import t from 'tap'
import { openDb } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'
import { containsPlan } from '../../src/catalogue/name-search.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { foldText, nameKey, rawOf, toUnits } from '../../src/text/fold.js'
import { understand, type Understanding } from '../../src/recommend/understand.js'
import { buildGazetteer } from '../helpers/app.js'
import { DATA } from '../helpers/paths.js'

// The full Shanghai data: the OSM catalogue and the four gazetteer files.
const dir = t.testdir()
const catFile = join(dir, 'catalogue.sqlite')
const db = openDb(catFile, { create: true })
importFile(db, `${DATA}/shanghai_poi_osm.csv`)
db.close()
const catalogue = new Catalogue(catFile)
const gazetteer = buildGazetteer(join(dir, 'gazetteer.sqlite'), [
  `${DATA}/shanghai_landmarks_osm.csv`,
  `${DATA}/shanghai_places_wikidata.csv`,
  `${DATA}/shanghai_metro_stations_2017.csv`,
  `${DATA}/shanghai_admin_divisions.csv`,
])
t.teardown(() => {
  catalogue.close()
  gazetteer.close()
})

/** One line per understanding, so a table row states everything that was read. */
function show(u: Understanding): string {
  const parts: string[] = [u.kind]
  if (u.centre) parts.push(`at ${u.centre.name} (${u.centre.kind}${u.centre.detail && u.centre.kind !== 'poi' ? `/${u.centre.detail}` : ''})`)
  if (u.wishes.length) parts.push(`want ${u.wishes.map(w => w.key).join('+')}`)
  if (u.brand) parts.push(`brand ${u.brand.label} [${u.brand.keys.join('|')}] ×${u.brand.count}`)
  if (u.nearMe) parts.push('near me')
  if (u.ignored.length) parts.push(`ignored ${u.ignored.map(s => JSON.stringify(s)).join(' ')}`)
  return parts.join(' · ')
}

t.test('text is folded the same way names are stored', async t => {
  const rows: [string, string][] = [
    ["People's Square", 'people square'],
    ['Peoples Square', 'people square'],
    ['Ｈｉｌｔｏｎ－Ｇａｒｄｅｎ', 'hilton garden'],
    ['汉庭酒店(人民广场店)', '汉庭酒店人民广场店'],
    ['星巴克咖啡 Starbucks', '星巴克咖啡 starbuck'],
    ["Jing'an Temple", 'jingan temple'],
    ['Jing’an  TEMPLE', 'jingan temple'],
    ['Café NEAR the Bund', 'cafe near bund'],
    ['外灘', '外滩'],
    ['豫園', '豫园'],
    ['KFC静安寺', 'kfc 静安寺'],
    ['0755', '0755'],
    ['1e3', '1e3'],
    ['7.0', '7 0'],
    ['"Hilton', 'hilton'],
    ['NEAR(Hilton', 'near hilton'],
    ["Hilton';DROP TABLE hotels;--", 'hilton drop table hotel'],
    ['*', ''],
    ['🏨', ''],
  ]
  for (const [text, key] of rows) t.equal(nameKey(text), key, text)
  t.equal(rawOf(toUnits('KFC静安寺')), 'KFC 静安寺', 'the raw form keeps the case for replies')
  t.equal(foldText('ＡＢＣ１２３'), 'abc123')
})

t.test('a key is looked for inside names as one quoted phrase, by word start for Latin', async t => {
  t.same(containsPlan('hil'), { kind: 'fts', phrase: '" hil"' })
  t.same(containsPlan('人民广场'), { kind: 'fts', phrase: '"人民广场"' })
  t.same(containsPlan('外滩'), { kind: 'scan', needle: '外滩' }, 'two CJK characters: trigram cannot match them')
  t.same(containsPlan('外'), { kind: 'none' })
  t.same(containsPlan('7'), { kind: 'fts', phrase: '" 7 "' }, 'one digit only as a whole word')
  t.same(containsPlan(''), { kind: 'none' })
  t.same(containsPlan('a'.repeat(65)), { kind: 'none' })
})

t.test('requests are understood as place, kind of place and chain', async t => {
  const rows: [string, string][] = [
    // Places by name, Chinese and English; the more prominent of a shared name; two characters.
    ['南京路步行街', 'search · at 南京路步行街 (landmark)'],
    ['Nanjing Road Pedestrian Street', 'search · at 南京路步行街 (landmark)'],
    ['Nanjing Road', 'search · at 南京路步行街 (landmark)'],
    ['南京东路', 'search · at 南京东路 (station/metro)'],
    ['人民广场', 'search · at 人民广场 (station/metro)'],
    ["People's Square", 'search · at 人民广场 (station/metro)'],
    ['peoples square', 'search · at 人民广场 (station/metro)'],
    ['静安寺', 'search · at 静安寺 (landmark)'],
    ['静安寺站', 'search · at 静安寺 (station/metro)'],
    ["Jing'an Temple station", 'search · at 静安寺 (station/metro)'],
    ["Jing'an Temple", 'search · at 静安寺 (landmark)'],
    ['陆家嘴', 'search · at 陆家嘴 (station/metro)'],
    ['外滩', 'search · at 外滩 (landmark)'],
    ['外灘', 'search · at 外滩 (landmark)'],
    ['The Bund', 'search · at 外滩 (landmark)'],
    ['豫园', 'search · at 豫园 (landmark)'],
    ['黄浦', 'search · at 黄浦区 (district)'],
    ['Pudong', 'search · at 浦东新区 (district)'],
    ['步行街', 'search · at 南京路步行街 (landmark)'],
    ['淮海路', 'search · at 淮海路 (street)'],
    ['浦东机场', 'search · at 浦东国际机场 (station/metro)'],
    ['虹桥机场', 'search · at 上海虹桥国际机场 (place)'],
    // Wishes, alone or with a place, in any order and with the little words around them.
    ['酒店', 'search · want hotel'],
    ['ATM', 'search · want bank'],
    ['🏨', 'search · want hotel'],
    ['人民广场附近的咖啡', 'search · at 人民广场 (station/metro) · want cafe'],
    ['人民广场咖啡', 'search · at 人民广场 (station/metro) · want cafe'],
    ['hotel near the Bund', 'search · at 外滩 (landmark) · want hotel'],
    ['hotels near The Bund', 'search · at 外滩 (landmark) · want hotel'],
    ['外滩 酒店', 'search · at 外滩 (landmark) · want hotel'],
    ['附近的酒店', 'search · want hotel · near me'],
    ['附近有什么性价比高的酒店？', 'search · want hotel · near me'],
    ['南京路附近有什么酒店推荐。', 'search · at 南京路 (street) · want hotel'],
    ['附近', 'search · near me'],
    // Chains and names, alone or with a place.
    ['星巴克', 'search · brand 星巴克 [星巴克|starbuck] ×94'],
    ['Starbucks', 'search · brand Starbucks [starbuck|星巴克] ×94'],
    ['ＫＦＣ', 'search · brand KFC [kfc|肯德基] ×57'],
    ['KFC 静安寺', 'search · at 静安寺 (landmark) · brand KFC [kfc|肯德基] ×57'],
    ['静安寺肯德基', 'search · at 静安寺 (landmark) · brand 肯德基 [肯德基|kfc] ×57'],
    ['McDonalds near People Square', 'search · at 人民广场 (station/metro) · brand McDonalds [mcdonald|麦当劳] ×45'],
    ['Peace Hotel', 'search · at 和平饭店南楼 (poi) · want hotel'],
    // A chain joined to the place by 的 / 有 / 在, or asked about ("有没有", "吗").
    ['南京东路的星巴克', 'search · at 南京东路 (station/metro) · brand 星巴克 [星巴克|starbuck] ×94'],
    ['南京东路有星巴克吗', 'search · at 南京东路 (station/metro) · brand 星巴克 [星巴克|starbuck] ×94'],
    ['人民广场有没有星巴克', 'search · at 人民广场 (station/metro) · brand 星巴克 [星巴克|starbuck] ×94'],
    ['静安寺附近的肯德基', 'search · at 静安寺 (landmark) · brand 肯德基 [肯德基|kfc] ×57'],
    ['KFC在人民广场', 'search · at 人民广场 (station/metro) · brand KFC [kfc|肯德基] ×57'],
    ['南京东路的咖啡', 'search · at 南京东路 (station/metro) · want cafe'],
    // A chain whose name starts with a wish word is the chain ("汉堡王" is not "汉堡" + "王").
    ['汉堡王 人民广场', 'search · at 人民广场 (station/metro) · brand 汉堡王 [汉堡王|burger king] ×10'],
    ['人民广场 汉堡', 'search · at 人民广场 (station/metro) · want fast_food'],
    // A chain we know with no branch in the catalogue is still a chain, not "not understood".
    ['如家', 'search · brand 如家 [如家|home inn] ×0'],
    ['瑞幸 人民广场', 'search · at 人民广场 (station/metro) · brand 瑞幸 [瑞幸|luckin|luckin coffee] ×0'],
    // Pinyin typed without its apostrophe.
    ['coffee near Jing an temple', 'search · at 静安寺 (landmark) · want cafe'],
    ['Jing an Temple station', 'search · at 静安寺 (station/metro)'],
    // Commands.
    ['更多', 'more'],
    ['more', 'more'],
    ['下一页', 'more'],
    ['你好', 'help'],
    ['', 'help'],
    ['   ', 'help'],
    ['?!', 'help'],
    ['hi', 'help'],
    ['help', 'help'],
    ['谢谢', 'thanks'],
    ['thanks', 'thanks'],
    ['Thank you!', 'thanks'],
    ['好的', 'thanks'],
    // Nothing, or noise beside a name.
    ['wifi:free', 'unknown · ignored "wifi:free"'],
    // What was left out is echoed as the follower wrote it; digits and punctuation alone are noise.
    ["外滩' OR 1=1 --", 'search · at 外滩 (landmark)'],
    ['外滩 and 静安寺站', 'search · at 外滩 (landmark) · ignored "静安寺站"'],
    ['asdfgh', 'unknown · ignored "asdfgh"'],
    ["Hilton';DROP TABLE hotels;--", 'search · at Hilton Shanghai Hongqiao (place) · want hotel · ignored "DROP TABLE"'],
  ]
  for (const [text, want] of rows) t.equal(show(understand(text, { gazetteer, catalogue })), want, JSON.stringify(text))
})

t.test('the place chosen is the one the gazetteer ranks first, with its own point', async t => {
  const bund = understand('外滩', { gazetteer, catalogue }).centre
  t.match(bund, { id: 'osm:node/11290954427', lat: 31.2403257, lng: 121.4860368 })
  const square = understand("People's Square", { gazetteer, catalogue }).centre
  t.match(square, { id: 'metro:2035', lat: 31.234866, lng: 121.4704571 })
})

t.test('very long text is read only as far as needed and answered at once', async t => {
  const u = understand('a'.repeat(2000), { gazetteer, catalogue })
  t.equal(u.kind, 'unknown')
  const mixed = understand(`人民广场 ${'咖啡 '.repeat(500)}`, { gazetteer, catalogue })
  t.equal(show(mixed), 'search · at 人民广场 (station/metro) · want cafe')
})

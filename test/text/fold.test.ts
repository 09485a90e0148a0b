import { parse } from 'csv-parse/sync'
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { keyOf, nameKey, toUnits } from '../../src/text/fold.js'
import { DATA } from '../helpers/paths.js'

/** Names chosen to reach every branch of the folding: width, case, accents, scripts, apostrophes, symbols. */
const TRICKY = [
  '',
  '   ',
  'The Bund',
  'the',
  'THE PEAK',
  "People's Square",
  'People’s Square',
  "Jing'an Temple",
  'Ｈｉｌｔｏｎ　Ｓｈａｎｇｈａｉ',
  'Café "Corner" 12',
  'CAFÉ Ñandú',
  'Starbucks 星巴克',
  '星巴克Starbucks',
  '外灘 豫園 閘北區',
  '上海市黄浦区南京东路100号',
  'Hotels & Hostels',
  'Boss',
  'Bus',
  '7-Eleven 7‑11',
  '①②③ Ⅻ',
  '〇 々 〆 ⺀⺁ ⼀',
  'ソウル 서울 東京タワー',
  'カフェ・ド・パリ',
  'ｶﾌｪ',
  'straße STRASSE',
  'İstanbul',
  'Ǆemal ǅ',
  '𠀀𠀁 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 hotel',
  '\ud800 lone \udc00 surrogates',
  'a`s b´s c‘d',
  "O'Brien's Pub's",
  'ﬁne ﬂower',
  'Ω ω Ω',
  'x\u0301y',
  'حلال مطعم',
  'ท่าอากาศยานสุวรรณภูมิ',
]

t.test('nameKey gives the same key as folding through units, for the names in the shared data', async t => {
  const names = new Set<string>(TRICKY)
  // Not the GeoNames list: its 171k Latin names add no kind of character the others lack, only time.
  for (const file of readdirSync(DATA).filter(f => f.endsWith('.csv') && !f.startsWith('world_cities'))) {
    const rows = parse(readFileSync(`${DATA}/${file}`), { columns: true }) as Record<string, string>[]
    for (const row of rows) {
      for (const column of ['name', 'name_zh', 'name_en', 'label', 'alt_names', 'address', 'description']) {
        const v = row[column]
        if (v) for (const part of v.split('|')) names.add(part)
      }
    }
  }
  t.ok(names.size > 40_000, `${names.size} names`)
  const differ: string[] = []
  for (const name of names) {
    if (nameKey(name) !== keyOf(toUnits(name))) differ.push(name)
  }
  t.same(differ, [], 'no name folds differently')
  t.equal(nameKey("People's Square"), 'people square')
  t.equal(nameKey('外灘 Café'), '外滩 cafe')
  t.equal(nameKey('The Hotels 星巴克'), 'hotel 星巴克')
})

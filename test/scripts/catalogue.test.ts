import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { CatalogueLock } from '../../src/catalogue/lock.js'
import { runScript } from '../helpers/cli.js'
import { CASES } from '../helpers/paths.js'

const CASE17 = `${CASES}/17-csv-encoding/hotels-gbk.csv`
const V2 = `${CASES}/12-sqlite-busy-during-refresh/catalogue-v2.csv`

/** Runs `npm run catalogue -- …args` (without npm's own output) and returns what it printed. */
const catalogue = (args: string[], env: Record<string, string>) => runScript('scripts/catalogue.ts', args, env)

t.test('import, stats, export and refresh from the command line', async t => {
  const dbFile = join(t.testdir(), 'catalogue.sqlite')
  const env = { DB_FILE: dbFile, CATALOGUE_SOURCES: V2 }

  const imported = await catalogue(['import', CASE17], env)
  t.equal(imported.code, 0, imported.stderr)
  t.match(imported.stdout, `${CASE17} (gb18030): 3 accepted, 1 refused\n  line 5: latitude 121.473701 is outside -90..90`)
  t.match(imported.stdout, /now holds 3 places, version [0-9a-f]{16}/)

  const stats = await catalogue(['stats', '--json'], env)
  t.match(JSON.parse(stats.stdout), { file: dbFile, places: 3, categories: [{ category: 'hotel', places: 3 }], sources: [CASE17] })

  const exported = await catalogue(['export'], env)
  const rows = parse(exported.stdout, { columns: true }) as Record<string, string>[]
  t.same(rows.map(r => [r.id, r.name, r.crs]), [
    ['c1', '全季酒店(上海人民广场店)', 'wgs84'],
    ['c2', '亚朵酒店, "人民广场"店', 'wgs84'],
    ['c3', '桔子水晶酒店', 'wgs84'],
  ])

  // While another import or refresh holds the catalogue, the command refuses at once.
  const lock = CatalogueLock.acquire(dbFile)
  const busy = await catalogue(['refresh'], env)
  lock.release()
  t.equal(busy.code, 75)
  t.match(busy.stderr, /another import or refresh of .* is running/)

  const refreshed = await catalogue(['refresh'], env)
  t.equal(refreshed.code, 0, refreshed.stderr)
  t.match(refreshed.stdout, `${V2} (utf-8): 3 accepted, 0 refused\nThe catalogue ${dbFile} now holds 3 places (was 3)`)
})

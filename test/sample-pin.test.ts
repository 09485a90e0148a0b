import { join } from 'node:path'
import t from 'tap'
import { openDb } from '../src/catalogue/db.js'
import { importFile } from '../src/catalogue/import.js'
import { Catalogue } from '../src/catalogue/repository.js'
import { gcj02ToWgs84 } from '../src/geo/datum.js'
import { distanceM } from '../src/geo/distance.js'
import { projectRoot } from '../src/project-root.js'
import { NANJING_ROAD_PIN, samplePin } from '../src/sample-pin.js'

function catalogueOf(dir: string, source: string): Catalogue {
  const file = join(dir, 'c.sqlite')
  const db = openDb(file, { create: true })
  importFile(db, source)
  db.close()
  return new Catalogue(file, { readonly: true })
}

t.test('the banner suggests the Nanjing Road pin for a Shanghai catalogue, one of its own places elsewhere', async t => {
  const shanghai = catalogueOf(t.testdir(), join(projectRoot(), 'data/demo-catalogue.csv'))
  t.teardown(() => shanghai.close())
  t.same(samplePin(shanghai, 5000), { pin: NANJING_ROAD_PIN, near: 'Nanjing Road' })
  t.notOk(shanghai.warmed, 'read through the R*Tree: no in-memory index built for a suggestion')

  const hangzhou = catalogueOf(t.testdir(), join(projectRoot(), 'examples/west-lake.csv'))
  t.teardown(() => hangzhou.close())
  const sample = samplePin(hangzhou, 5000)!
  const places = hangzhou.inBox({ minLat: -90, maxLat: 90, minLng: -180, maxLng: 180 })
  const own = places.find(p => p.name === sample.near)!
  t.ok(own, `${sample.near} is one of the catalogue's places`)
  // Given in GCJ-02, as WeChat sends it: back in WGS-84 it is the place itself (within 1 m).
  t.ok(distanceM(gcj02ToWgs84(sample.pin), own) < 1, `${JSON.stringify(sample.pin)} is at ${sample.near}`)
  t.ok(distanceM(sample.pin, own) > 100, 'and shifted from it, as GCJ-02 is in mainland China')
})

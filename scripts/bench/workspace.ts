/**
 * What the sections share: the temporary folder (removed at the end), the shared data files,
 * and the synthetic point sets and catalogues, each generated once per run on first use.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { projectRoot } from '../../src/project-root.js'
import { catalogueFromPoints } from './catalogue-files.js'
import { cityCentres, clusteredPoints, uniformPoints, type Centre, type PointSet } from './synthetic.js'

export type Layout = 'uniform' | 'clustered'

/** How many GeoNames towns the clustered sets crowd around. */
export const CLUSTER_TOWNS = 1000

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'nearby-bench-'))
  readonly data = resolve(projectRoot(), '../shared/data')
  readonly #sets = new Map<string, PointSet>()
  readonly #dbs = new Map<string, string>()
  #centres: Centre[] | undefined

  /** A file of the shared data folder (throws a clear error when it is missing). */
  shared(name: string): string {
    const file = join(this.data, name)
    if (!existsSync(file)) throw new Error(`${file} is missing: the benchmark reads the shared data beside the checkout`)
    return file
  }

  centres(): Centre[] {
    return (this.#centres ??= cityCentres(this.shared('world_cities_geonames.csv'), CLUSTER_TOWNS))
  }

  points(layout: Layout, n: number): PointSet {
    const key = `${layout}-${n}`
    let set = this.#sets.get(key)
    if (!set) {
      const prefix = `${layout[0]}${n}-`
      set = layout === 'clustered' ? clusteredPoints(n, this.centres(), prefix) : uniformPoints(n, prefix)
      this.#sets.set(key, set)
    }
    return set
  }

  /** The catalogue file of a synthetic set, built on first use. */
  catalogue(layout: Layout, n: number): string {
    const key = `${layout}-${n}`
    let file = this.#dbs.get(key)
    if (!file) {
      file = join(this.dir, `${key}.sqlite`)
      catalogueFromPoints(file, this.points(layout, n))
      this.#dbs.set(key, file)
    }
    return file
  }

  /** Forgets a point set (its catalogue file stays). */
  drop(layout: Layout, n: number): void {
    this.#sets.delete(`${layout}-${n}`)
  }

  file(name: string): string {
    return join(this.dir, name)
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

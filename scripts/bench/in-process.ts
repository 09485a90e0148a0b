/** The product's app built in this process on a catalogue file, driven with `inject` (no sockets). */
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { Gazetteer } from '../../src/catalogue/gazetteer.js'
import { LiveCatalogue } from '../../src/catalogue/live-catalogue.js'
import { loadConfig } from '../../src/config.js'
import { UserState } from '../../src/state/user-state.js'

export interface InProcessApp {
  readonly app: FastifyInstance
  close(): Promise<void>
}

/** With `gazetteerFile`, typed names are resolved against it as in a running server. */
export async function inProcessApp(dbFile: string, env: Record<string, string>, gazetteerFile?: string): Promise<InProcessApp> {
  const config = loadConfig({ DB_FILE: dbFile, PUBLIC_URL: 'https://nearby.example.com', ...env })
  const catalogue = new LiveCatalogue(dbFile)
  const gazetteer = gazetteerFile ? new Gazetteer(gazetteerFile) : undefined
  const state = new UserState(':memory:')
  const app = buildApp({ config, catalogues: new Map(config.accounts.map(a => [a.id, catalogue])), state, gazetteer, logger: false })
  await app.ready()
  return {
    app,
    close: async () => {
      await app.close()
      catalogue.close()
      gazetteer?.close()
      state.close()
    },
  }
}

/** Times each call, in milliseconds. */
export async function timeAsync(count: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await fn(i)
    times.push(performance.now() - t0)
  }
  return times
}

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../src/project-root.js'

// Starts real processes (tsx compiles on the fly, two workers): give a loaded machine room.
t.setTimeout(120_000)

t.test('with WORKERS=2, /healthz shows the refresh the supervisor runs, its schedule and its last result', async t => {
  const dir = t.testdir()
  const source = join(dir, 'places.csv')
  copyFileSync(join(projectRoot(), 'data/demo-catalogue.csv'), source)
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH,
      WORKERS: '2',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DB_FILE: join(dir, 'catalogue.sqlite'),
      STATE_FILE: join(dir, 'state.sqlite'),
      GAZETTEER_FILE: join(dir, 'gazetteer.sqlite'),
      CATALOGUE_SOURCES: source,
      // Every second (node-cron's six-field form), so a run finishes while the test watches.
      REFRESH_CRON: '* * * * * *',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM')
      await once(server, 'exit')
    }
  })
  let out = ''
  server.stdout.on('data', (b: Buffer) => (out += b.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    const look = () => {
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\/wechat/)
      if (m) resolve(Number(m[1]))
    }
    server.stdout.on('data', look)
    server.once('exit', code => reject(new Error(`the server exited (${code}) before listening: ${out}`)))
  })

  // Each worker answers for itself; ask until one has seen a finished run (a few seconds at most).
  type Refresh = { cron: string; sources: number; nextRun: string | null; lastRun: { ok: boolean; places: number } | null }
  let refresh: Refresh | null = null as Refresh | null
  for (let i = 0; i < 100 && !refresh?.lastRun; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`)
    refresh = ((await res.json()) as { catalogues: Record<string, { refresh: Refresh | null }> }).catalogues.default!.refresh
    if (!refresh?.lastRun) await new Promise(r => setTimeout(r, 200))
  }
  t.equal(refresh?.cron, '* * * * * *')
  t.equal(refresh?.sources, 1)
  t.ok(refresh?.nextRun && Date.parse(refresh.nextRun) > Date.now() - 2000, `next run ${refresh?.nextRun}`)
  t.equal(refresh?.lastRun?.ok, true)
  t.equal(refresh?.lastRun?.places, 30)

  // Both workers know it, not just the one that answered first.
  const answers = await Promise.all(Array.from({ length: 6 }, async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } })
    return ((await res.json()) as { catalogues: Record<string, { refresh: { cron: string } | null }> }).catalogues.default!.refresh?.cron
  }))
  t.same(answers, Array(6).fill('* * * * * *'))
})

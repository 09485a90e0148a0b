import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import Database from 'better-sqlite3'
import t from 'tap'
import { UserState } from '../../src/state/user-state.js'

const at = (lat: number, lng: number, ms: number) => ({ lat, lng, at: ms, source: 'message' as const })

t.test('positions are written together right after the turn, the newest per follower', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const state = new UserState(file)
  t.teardown(() => state.close())
  const other = new Database(file, { readonly: true })
  t.teardown(() => other.close())
  const count = () => (other.prepare('SELECT count(*) AS n FROM user_position').get() as { n: number }).n
  state.setPosition('default', 'oUser_a', at(31.1, 121.1, 1000))
  state.setPosition('default', 'oUser_b', at(31.2, 121.2, 1000))
  state.setPosition('default', 'oUser_a', at(31.3, 121.3, 2000))
  t.equal(count(), 0, 'nothing written during the turn')
  await nextTurn()
  t.equal(count(), 2, 'written after it')
  t.match(other.prepare("SELECT lat, lng, at FROM user_position WHERE user = 'oUser_a'").get(), { lat: 31.3, lng: 121.3, at: 2000 })
})

t.test('this process reads its own positions at once', async t => {
  const state = new UserState(':memory:')
  t.teardown(() => state.close())
  state.setPosition('default', 'oUser_a', at(31.1, 121.1, 1000))
  t.match(state.position('default', 'oUser_a', 1500, 60_000), { lat: 31.1, lng: 121.1, at: 1000, source: 'message' })
  t.equal(state.position('default', 'oUser_a', 100_000, 60_000), undefined, 'too old')
})

t.test('a failed write is reported, never thrown at the caller', async t => {
  const errors: unknown[] = []
  const state = new UserState(':memory:', { onWriteError: err => errors.push(err) })
  t.teardown(() => state.close())
  state.setPosition('default', 'oUser_a', at(Number.NaN, 121.1, 1000))
  await nextTurn()
  t.equal(errors.length, 1, 'NaN violates NOT NULL')
  state.setPosition('default', 'oUser_b', at(31, 121, 1000))
  t.match(state.position('default', 'oUser_b', 1000, 60_000), { lat: 31 }, 'later writes still work')
})

t.test('closing writes what is queued', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const state = new UserState(file)
  state.setPosition('default', 'oUser_a', at(31.1, 121.1, 1000))
  state.close()
  const reopened = new UserState(file)
  t.teardown(() => reopened.close())
  t.match(reopened.position('default', 'oUser_a', 1000, 60_000), { lat: 31.1 })
})

t.test('values are written with the positions after the turn, and read back at once by this process', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const state = new UserState(file)
  t.teardown(() => state.close())
  const other = new Database(file, { readonly: true })
  t.teardown(() => other.close())
  const count = () => (other.prepare('SELECT count(*) AS n FROM user_value').get() as { n: number }).n
  state.setValue('default', 'oUser_a', 'list', { shown: 5 }, 1000)
  state.setValue('default', 'oUser_a', 'list', { shown: 10 }, 2000)
  state.setPosition('default', 'oUser_a', at(31.1, 121.1, 2000))
  t.equal(count(), 0, 'nothing written during the turn')
  t.same(state.value('default', 'oUser_a', 'list', 2500, 60_000), { shown: 10 }, 'this process sees the newest at once')
  t.equal(count(), 1, 'reading wrote the queue')
  const value = { shown: 15 }
  state.setValue('default', 'oUser_b', 'list', value, 3000)
  value.shown = 99
  await nextTurn()
  t.equal(count(), 2, 'written after the turn')
  t.same(JSON.parse((other.prepare("SELECT value FROM user_value WHERE user = 'oUser_b'").get() as { value: string }).value), { shown: 15 }, 'as it was when given')
  t.equal(state.value('default', 'oUser_b', 'list', 100_000, 60_000), undefined, 'too old')
})

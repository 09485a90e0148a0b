import { join } from 'node:path'
import t from 'tap'
import { DeliveryLog } from '../../src/state/delivery-log.js'
import { Deliveries, deliveryKey, EncodedDeliveryStore, MemoryDeliveryStore, type Delivered, type DeliveryStore } from '../../src/wechat/dedupe.js'
import type { InboundMessage } from '../../src/wechat/types.js'
import { FakeClock, gate, settle } from '../helpers/clock.js'

const T0 = 1_717_000_101_000
const text = (msgId: string, from = 'oUser_test1'): InboundMessage => ({ kind: 'text', to: 'gh_test', from, createTime: '1717000101', msgId, content: 'Hilton' })
const event = (createTime: string, kind: 'subscribe' | 'click' = 'subscribe'): InboundMessage =>
  kind === 'subscribe'
    ? { kind, to: 'gh_test', from: 'oUser_test1', createTime, scene: undefined, ticket: undefined }
    : { kind, to: 'gh_test', from: 'oUser_test1', createTime, key: 'NEARBY_HOTELS' }

t.test('the delivery key: MsgId as a string for messages, sender+CreateTime+event for events, per account', async t => {
  t.equal(deliveryKey('a', text('7300000000000000101')), deliveryKey('a', text('7300000000000000101', 'oUser_other')), 'MsgId alone')
  t.not(deliveryKey('a', text('7300000000000000101')), deliveryKey('a', text('7300000000000000100')), 'ids beyond 2^53 stay apart')
  t.not(deliveryKey('a', text('1')), deliveryKey('b', text('1')), 'scoped per account')
  t.equal(deliveryKey('a', event('1717001503')), deliveryKey('a', event('1717001503')))
  t.not(deliveryKey('a', event('1717001503')), deliveryKey('a', event('1717001504')))
  t.not(deliveryKey('a', event('1717001503')), deliveryKey('a', event('1717001503', 'click')), 'the event is part of the key')
  const other: InboundMessage = { kind: 'other-event', to: 'gh', from: 'u', createTime: '1', event: 'scancode_push' }
  t.equal(deliveryKey('a', other), JSON.stringify(['a', 'e', 'u', '1', 'scancode_push']))
})

function setup(store: DeliveryStore = new MemoryDeliveryStore(60_000), deadlineMs = 4500) {
  const clock = new FakeClock(T0)
  const errors: string[] = []
  const deliveries = new Deliveries(store, clock, { deadlineMs, pollMs: 100, onStoreError: (_e, op) => errors.push(op) })
  return { clock, deliveries, errors }
}

t.test('concurrent deliveries of one push run the work once and share its answer', async t => {
  const { deliveries } = setup()
  let runs = 0
  const slow = gate<string>()
  const work = () => {
    runs++
    return slow.promise
  }
  const first = deliveries.deliver('k', work)
  const retry = deliveries.deliver('k', work)
  await settle()
  slow.open('answer')
  t.same(await first, { kind: 'first', value: 'answer' })
  t.same(await retry, { kind: 'repeat', value: 'answer' })
  t.same(await deliveries.deliver('k', work), { kind: 'repeat', value: 'answer' }, 'and again once finished')
  t.equal(runs, 1)
  t.same(await deliveries.deliver('other', async () => 'x'), { kind: 'first', value: 'x' })
})

t.test('a slow answer: success by the deadline, retries get the answer once it is ready (case 01 timeline)', async t => {
  const { clock, deliveries } = setup()
  let runs = 0
  const slow = gate<string>()
  const work = () => {
    runs++
    return slow.promise
  }
  const outcomes: Delivered[] = []
  const first = deliveries.deliver('k', work).then(d => outcomes.push(d))
  await clock.advance(4499)
  t.equal(outcomes.length, 0, 'still waiting at 4.499 s')
  await clock.advance(1)
  await first
  t.match(outcomes[0], { kind: 'late', first: true })
  const settled = (outcomes[0] as { settled: Promise<string> }).settled

  await clock.advance(500) // the platform retries at 5 s
  const retry = deliveries.deliver('k', work)
  await clock.advance(1000) // the work ends at 6 s
  slow.open('hilton')
  t.same(await retry, { kind: 'repeat', value: 'hilton' })
  t.equal(await settled, 'hilton')

  await clock.advance(4000) // 10 s
  t.same(await deliveries.deliver('k', work), { kind: 'repeat', value: 'hilton' })
  await clock.advance(20_000) // 30 s
  t.same(await deliveries.deliver('k', work), { kind: 'repeat', value: 'hilton' })
  t.equal(runs, 1)
  t.equal(clock.pending, 0, 'no deadline timer is left behind')
})

t.test('a retry that waits for a first delivery still not done gets success by its own deadline', async t => {
  const { clock, deliveries } = setup()
  const slow = gate<string>()
  const first = deliveries.deliver('k', () => slow.promise)
  await clock.advance(4500)
  t.match(await first, { kind: 'late', first: true })
  const retry = deliveries.deliver('k', () => Promise.resolve('never'))
  await clock.advance(4500)
  t.match(await retry, { kind: 'late', first: false })
  slow.open('done')
  await settle()
  t.same(await deliveries.deliver('k', () => Promise.resolve('never')), { kind: 'repeat', value: 'done' })
})

t.test('answers are kept for the store TTL (at least 60 s), then forgotten', async t => {
  const { clock, deliveries } = setup(new MemoryDeliveryStore(60_000))
  let runs = 0
  const work = async () => String(++runs)
  t.same(await deliveries.deliver('k', work), { kind: 'first', value: '1' })
  await clock.advance(59_999)
  t.same(await deliveries.deliver('k', work), { kind: 'repeat', value: '1' })
  await clock.advance(1)
  t.same(await deliveries.deliver('k', work), { kind: 'first', value: '2' })
})

t.test('the memory store drops expired records as new ones arrive', async t => {
  const store = new MemoryDeliveryStore(1000)
  store.claim('a', 0)
  store.finish('a', 'x', 10)
  store.claim('b', 500)
  t.equal(store.size, 2)
  store.claim('c', 1200)
  t.equal(store.size, 2, '"a" (done at 10 ms) is gone')
  t.equal(store.get('a', 1200), undefined)
  t.match(store.get('b', 1200), { state: 'pending' })
})

t.test('work that fails is not run again: retries get an empty answer', async t => {
  const { deliveries } = setup()
  let runs = 0
  await t.rejects(
    deliveries.deliver('k', async () => {
      runs++
      throw new Error('boom')
    }),
    { message: 'boom' },
  )
  t.same(await deliveries.deliver('k', async () => String(++runs)), { kind: 'repeat', value: '' })
  t.equal(runs, 1)
})

t.test('a store that fails does not cost the answer', async t => {
  const broken: DeliveryStore = {
    claim: () => {
      throw new Error('SQLITE_BUSY')
    },
    finish: () => {
      throw new Error('SQLITE_BUSY')
    },
    get: () => undefined,
  }
  const { deliveries, errors } = setup(broken)
  t.same(await deliveries.deliver('k', async () => 'still answered'), { kind: 'first', value: 'still answered' })
  t.same(errors, ['claim', 'finish'])
})

t.test('deliveries across worker processes share one SQLite state file', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const storeA = new DeliveryLog(file, 60_000)
  const storeB = new DeliveryLog(file, 60_000)
  t.teardown(() => {
    storeA.close()
    storeB.close()
  })
  const clock = new FakeClock(T0)
  const a = new Deliveries(storeA, clock, { deadlineMs: 4500, pollMs: 100 })
  const b = new Deliveries(storeB, clock, { deadlineMs: 4500, pollMs: 100 })
  let runs = 0
  const slow = gate<string>()
  const work = () => {
    runs++
    return slow.promise
  }
  const first = a.deliver('k', work)
  await settle()
  const retry = b.deliver('k', work)
  await clock.advance(100)
  await clock.advance(100)
  slow.open('from A')
  await first
  await clock.advance(100)
  t.same(await retry, { kind: 'repeat', value: 'from A' }, 'process B found process A\'s answer')
  t.same(await b.deliver('k', work), { kind: 'repeat', value: 'from A' })
  t.equal(runs, 1)

  // B's retry of a push A is still working on, with no answer by the deadline.
  const stuck = a.deliver('stuck', () => new Promise<string>(() => undefined))
  await settle()
  const waiting = b.deliver('stuck', work)
  for (let i = 0; i < 45; i++) await clock.advance(100)
  t.match(await waiting, { kind: 'late', first: false, settled: undefined })
  t.match(await stuck, { kind: 'late', first: true })
  t.equal(runs, 1)
})

t.test('the SQLite store: one claim wins, expired records are taken over and pruned', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const one = new DeliveryLog(file, 60_000)
  const two = new DeliveryLog(file, 60_000)
  t.teardown(() => {
    one.close()
    two.close()
  })
  t.equal(one.claim('k', 1000), undefined, 'the first claim wins')
  t.same(two.claim('k', 1001), { state: 'pending', at: 1000 })
  one.finish('k', '{"a":1}', 1500)
  t.same(two.get('k', 2000), { state: 'done', value: '{"a":1}', at: 1500 })
  t.same(two.claim('k', 61_499), { state: 'done', value: '{"a":1}', at: 1500 }, 'still live just before the TTL')
  t.equal(two.get('k', 61_500), undefined, 'expired')
  t.equal(two.claim('k', 61_500), undefined, 'an expired record is claimed again')
  one.claim('old', 70_000)
  t.equal(one.claim('new', 200_000), undefined)
  t.equal(one.get('old', 70_001), undefined, 'pruned from the file')
  t.match(two.get('new', 200_001), { state: 'pending' })
})

/** A fake clock with the cancellable timer the real one offers (the deadline then needs no AbortSignal). */
class TimerClock extends FakeClock {
  readonly after = (ms: number, fn: () => void): (() => void) => {
    const stop = new AbortController()
    void this.sleep(ms, stop.signal).then(() => {
      if (!stop.signal.aborted) fn()
    })
    return () => stop.abort(undefined)
  }
}

t.test('with a cancellable timer: the same deadline, and no timer left once answered', async t => {
  const clock = new TimerClock(T0)
  const deliveries = new Deliveries<{ text: string }>(new MemoryDeliveryStore(60_000), clock, { deadlineMs: 4500, failed: { text: 'failed' } })
  const answer = { text: 'ready' }
  const got = await deliveries.deliver('k', async () => answer)
  t.same(got, { kind: 'first', value: answer })
  t.equal((got as { value: unknown }).value, answer, 'the very object, no copy')
  t.equal(clock.pending, 0)
  const slow = gate<{ text: string }>()
  const late = deliveries.deliver('slow', () => slow.promise)
  await clock.advance(4500)
  t.match(await late, { kind: 'late', first: true })
  slow.open({ text: 'at last' })
  await settle()
  t.same(await deliveries.deliver('slow', async () => ({ text: 'again' })), { kind: 'repeat', value: { text: 'at last' } })
  await t.rejects(deliveries.deliver('boom', async () => Promise.reject(new Error('boom'))), { message: 'boom' })
  t.same(await deliveries.deliver('boom', async () => ({ text: 'x' })), { kind: 'repeat', value: { text: 'failed' } }, 'the failed value')
  t.equal(clock.pending, 0)
})

t.test('an encoded store keeps values as text for the stores processes share', async t => {
  const file = join(t.testdir(), 'state.sqlite')
  const log = new DeliveryLog(file, 60_000)
  t.teardown(() => log.close())
  const codec = { encode: (v: { n: number }) => String(v.n), decode: (s: string) => ({ n: Number(s) }) }
  const store = new EncodedDeliveryStore(log, codec)
  t.equal(store.claim('k', 1000), undefined)
  t.same(store.claim('k', 1001), { state: 'pending', at: 1000 })
  store.finish('k', { n: 42 }, 1500)
  t.same(log.get('k', 1600), { state: 'done', value: '42', at: 1500 }, 'text in the file')
  t.same(store.get('k', 1600), { state: 'done', value: { n: 42 }, at: 1500 })
  t.same(store.claim('k', 1700), { state: 'done', value: { n: 42 }, at: 1500 })
})

/**
 * Load generation with autocannon: signed WeChat pushes, each with a fresh MsgId, nonce and
 * sender so no two requests are the same message (a retry-dedupe cache must not turn the run
 * into cache hits). Latency percentiles come from every response's own time, not autocannon's
 * whole-millisecond histogram.
 */
import autocannon from 'autocannon'
import { randomBytes } from 'node:crypto'
import { sign } from '../../src/wechat/signature.js'
import { percentile } from './stats.js'

export interface LoadResult {
  /** Responses per second over the measured window. */
  readonly rps: number
  readonly requests: number
  /** Milliseconds. */
  readonly p50: number
  readonly p99: number
  readonly mean: number
  readonly errors: number
  readonly non2xx: number
  readonly bytesPerReply: number
}

export interface Push {
  readonly path: string
  readonly body: string
}

export interface LoadOptions {
  readonly port: number
  readonly connections: number
  readonly durationS: number
  readonly warmupS: number
  /** The next request to send. */
  readonly next: () => Push
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.warmupS > 0) await once(opts, opts.warmupS, () => {})
  const times: number[] = []
  const result = await once(opts, opts.durationS, t => times.push(t))
  times.sort((a, b) => a - b)
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((s, x) => s + x, 0) / Math.max(1, times.length),
    errors: result.errors,
    non2xx: result.non2xx,
    bytesPerReply: result.throughput.total / Math.max(1, result.requests.total),
  }
}

function once(opts: LoadOptions, durationS: number, onTime: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${opts.port}`,
        connections: opts.connections,
        duration: durationS,
        requests: [
          {
            method: 'POST',
            setupRequest: req => {
              const push = opts.next()
              return { ...req, path: push.path, body: push.body, headers: { 'content-type': 'text/xml' } }
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    )
    instance.on('response', (_client, _status, _bytes, responseTime) => onTime(responseTime))
  })
}

const cdata = (s: string) => `<![CDATA[${s}]]>`

/**
 * A stream of signed location pushes around the given points (already in the datum WeChat
 * sends), as the real platform formats them: one element per line, a fresh MsgId each.
 */
export function locationPushes(points: readonly { lat: number; lng: number }[], token: string, account = 'gh_bench_account'): () => Push {
  let i = 0
  const base = BigInt(Date.now()) * 1000n
  const timestamp = String(Math.floor(Date.now() / 1000))
  return () => {
    const p = points[i % points.length]!
    const n = i++
    const nonce = String(randomBytes(4).readUInt32BE())
    const user = `oUser_bench_${String(n % 5000).padStart(16, '0')}`
    const path = `/wechat?signature=${sign(token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=${user}`
    const body =
      `<xml>\n<ToUserName>${cdata(account)}</ToUserName>\n<FromUserName>${cdata(user)}</FromUserName>\n` +
      `<CreateTime>${timestamp}</CreateTime>\n<MsgType>${cdata('location')}</MsgType>\n` +
      `<Location_X>${p.lat.toFixed(6)}</Location_X>\n<Location_Y>${p.lng.toFixed(6)}</Location_Y>\n` +
      `<Scale>16</Scale>\n<Label>${cdata('')}</Label>\n<MsgId>${base + BigInt(n)}</MsgId>\n</xml>`
    return { path, body }
  }
}

/** A stream of signed text pushes (same shape as above). */
export function textPushes(texts: readonly string[], token: string, account = 'gh_bench_account'): () => Push {
  let i = 0
  const base = BigInt(Date.now()) * 1000n
  const timestamp = String(Math.floor(Date.now() / 1000))
  return () => {
    const text = texts[i % texts.length]!
    const n = i++
    const nonce = String(randomBytes(4).readUInt32BE())
    const user = `oUser_bench_${String(n % 5000).padStart(16, '0')}`
    const path = `/wechat?signature=${sign(token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=${user}`
    const body =
      `<xml>\n<ToUserName>${cdata(account)}</ToUserName>\n<FromUserName>${cdata(user)}</FromUserName>\n` +
      `<CreateTime>${timestamp}</CreateTime>\n<MsgType>${cdata('text')}</MsgType>\n` +
      `<Content>${cdata(text)}</Content>\n<MsgId>${base + BigInt(n)}</MsgId>\n</xml>`
    return { path, body }
  }
}

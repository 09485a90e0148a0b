import { once } from 'node:events'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { runScript } from '../helpers/cli.js'

const send = (args: string[], env: Record<string, string> = {}) => runScript('scripts/send-message.ts', args, env)

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

// Every case starts a process (tsx compiles on the fly): give a loaded machine room.
t.setTimeout(120_000)

t.test('npm run send: help, usage mistakes, and which failures blame the server', async t => {
  const port = await closedPort()
  const url = `http://127.0.0.1:${port}/wechat`
  const [help, unknown, missing, badKey, badAppId, halfSafe, down, badPin, farPin, south] = await Promise.all([
    send(['--help']),
    send(['location', '--bogus']),
    send(['file', 'no-such-message.xml', '--url', url]),
    send(['location', '--aes-key', 'short', '--app-id', 'wx1234567890abcdef', '--url', url]),
    send(['location', '--aes-key', 'a'.repeat(43), '--app-id', 'nope', '--url', url]),
    send(['location', '--app-id', 'wx1234567890abcdef', '--url', url]),
    send(['text', '你好', '--url', url]),
    send(['location', 'abc', 'def', '--url', url]),
    send(['location', '95', '200', '--url', url]),
    send(['location', '-33.8688', '-70.6693', '--url', url]),
  ])
  t.equal(help.code, 0)
  t.match(help.stdout, /^usage: npm run send -- <kind>/)
  t.match(help.stdout, '--aes-key KEY --app-id wx… (safe mode)')

  const usageLine = 'usage: npm run send -- location|text|event|file|verify [arguments] [options]  (--help for more)\n'
  t.same([unknown.code, unknown.stderr], [2, `unknown option --bogus\n${usageLine}`])
  t.same([badKey.code, badKey.stderr], [2, `--aes-key: the EncodingAESKey must be 43 letters or digits\n${usageLine}`])
  t.same([badAppId.code, badAppId.stderr], [2, `--app-id must be the AppID: "wx" followed by 16 letters or digits\n${usageLine}`])
  t.same([halfSafe.code, halfSafe.stderr], [2, `safe mode needs both --aes-key and --app-id\n${usageLine}`])

  // Coordinates the server would only answer with a quiet `success` are refused before sending.
  for (const [r, lat, lng] of [[badPin!, 'abc', 'def'], [farPin!, '95', '200']] as const) {
    t.same([r.code, r.stderr], [2, `location needs a latitude (-90…90) and a longitude (-180…180) in degrees, e.g. 31.236712 121.481236; got "${lat}" "${lng}"\n${usageLine}`])
  }

  t.equal(missing.code, 1)
  t.match(missing.stderr, /^cannot read no-such-message\.xml: ENOENT/)
  for (const r of [unknown, missing, badKey, badAppId, halfSafe, badPin!, farPin!]) {
    t.notMatch(r.stderr, /could not reach|is the server running|\n\s+at /, r.stderr)
  }
  // Negative coordinates are coordinates, not options: the message is built and sent.
  t.equal(south!.code, 1)
  t.match(south!.stderr, /^could not reach /)
  t.equal(down.code, 1)
  t.equal(down.stderr, `could not reach ${url}: connect ECONNREFUSED 127.0.0.1:${port}\n(is the server running? npm start)\n`)
})

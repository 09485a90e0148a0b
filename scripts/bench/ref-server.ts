/**
 * The two reference servers the webhook is measured against, in the same run and under the
 * same load:
 *   http  a bare Fastify route that returns a fixed reply of the product's reply size (the
 *         ceiling of HTTP on this machine);
 *   xml   a Fastify route that checks the signature, parses the body with fast-xml-parser and
 *         builds a fixed reply of that size with the XML builder (the ceiling of any XML webhook).
 * Usage: tsx ref-server.ts http|xml <reply-file> <token>. Prints "listening on <port>".
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import { signatureMatches } from '../../src/wechat/signature.js'

const [mode, replyFile, token] = process.argv.slice(2)
if ((mode !== 'http' && mode !== 'xml') || !replyFile || !token) {
  process.stderr.write('usage: ref-server.ts http|xml <reply-file> <token>\n')
  process.exit(2)
}
const fixed = readFileSync(replyFile, 'utf8')

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true })
const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false, suppressEmptyNode: false })
// The product's reply, as a value the builder turns back into the same bytes each time.
const template = new XMLParser({ parseTagValue: false, cdataPropName: '#cdata' }).parse(fixed).xml as Record<string, unknown>

const app = Fastify({ logger: false })
app.removeAllContentTypeParsers()
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))

if (mode === 'http') {
  app.post('/wechat', async (_req, res) => res.type('application/xml; charset=utf-8').send(fixed))
} else {
  app.post('/wechat', async (req, res) => {
    const q = req.query as Record<string, string | undefined>
    if (!signatureMatches(q.signature, token, q.timestamp ?? '', q.nonce ?? '')) return res.code(401).send('invalid signature')
    const msg = (parser.parse(req.body as string) as { xml: Record<string, string> }).xml
    const xml = builder.build({
      xml: { ...template, ToUserName: { '#cdata': msg.FromUserName }, FromUserName: { '#cdata': msg.ToUserName } },
    })
    return res.type('application/xml; charset=utf-8').send(xml)
  })
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : 0}\n`)

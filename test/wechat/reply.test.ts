import t from 'tap'
import { renderReply } from '../../src/wechat/reply.js'
import { TEXT_REPLY_MAX_BYTES, truncateUtf8, utf8Length, xmlSafeText } from '../../src/wechat/text-limit.js'
import { readReply } from '../helpers/xml.js'

const inbound = { to: 'gh_test_account', from: 'oUser_7f3a9c2e5b8d4a1f6e0c2b', createTime: '1747303206' }

t.test('a text reply swaps the parties and carries CreateTime in seconds', async t => {
  const xml = renderReply(inbound, { type: 'text', content: '你好\n<a href="https://x.example.com/?a=1&b=2">链接</a>' }, 1747303207.9)
  t.same(readReply(xml), {
    ToUserName: 'oUser_7f3a9c2e5b8d4a1f6e0c2b',
    FromUserName: 'gh_test_account',
    CreateTime: '1747303207',
    MsgType: 'text',
    Content: '你好\n<a href="https://x.example.com/?a=1&b=2">链接</a>',
  })
  t.match(xml, '<![CDATA[你好\n<a href="https://x.example.com/?a=1&b=2">链接</a>]]>', 'the link stays literal inside CDATA')
})

t.test('a news reply has ArticleCount equal to its items', async t => {
  const xml = renderReply(inbound, { type: 'news', articles: [{ title: 'T', description: 'D', url: 'https://e.example.com/p?x=1&y=2' }] }, 1747303207)
  const r = readReply(xml)
  t.equal(r.MsgType, 'news')
  t.equal(r.ArticleCount, '1')
  t.same(r.Articles.item, [{ Title: 'T', Description: 'D', PicUrl: '', Url: 'https://e.example.com/p?x=1&y=2' }])
})

t.test('catalogue text with "]]>" and "<" stays well-formed and reads back exactly', async t => {
  const name = 'Bar ]]> Lounge & Inn <B>'
  const text = renderReply(inbound, { type: 'text', content: name }, 1)
  t.equal(readReply(text).Content, name)
  const news = renderReply(inbound, { type: 'news', articles: [{ title: name, description: 'No. 1 ]]> Road & "Lane"', url: 'https://e.example.com/' }] }, 1)
  const item = readReply(news).Articles.item[0]
  t.equal(item.Title, name)
  t.equal(item.Description, 'No. 1 ]]> Road & "Lane"')
})

t.test('characters XML 1.0 forbids never reach a reply', async t => {
  const xml = renderReply(inbound, { type: 'text', content: 'Vertical\u000bTab\u0000Hotel\ud800' }, 1)
  t.notMatch(xml, /[\u0000\u000b\ud800]/)
  t.equal(readReply(xml).Content, 'Vertical Tab Hotel ')
  t.equal(xmlSafeText('tab\tnew\nline\r'), 'tab\tnew\nline\r', 'tab, LF and CR are allowed')
  t.equal(xmlSafeText('😀'), '😀', 'a surrogate pair is kept')
})

t.test('a long text reply is cut within the byte limit, between characters', async t => {
  const content = '酒'.repeat(700) + '😀'.repeat(300)
  const xml = renderReply(inbound, { type: 'text', content }, 1)
  const got = readReply(xml).Content as string
  t.ok(utf8Length(got) <= TEXT_REPLY_MAX_BYTES, `${utf8Length(got)} bytes`)
  t.ok(got.endsWith('…'))
  t.notMatch(got, /\ufffd/)
  t.equal(truncateUtf8('a😀bc', 5, ''), 'a😀', 'never splits a surrogate pair')
  t.equal(truncateUtf8('a😀b', 4, ''), 'a', 'drops the emoji whole when it does not fit')
  t.equal(truncateUtf8('short', 100), 'short')
})

t.test('a news reply to a user message keeps one article; to an event up to eight', async t => {
  const articles = Array.from({ length: 10 }, (_, i) => ({ title: `T${i}`, description: '', url: `https://e.example.com/${i}` }))
  const count = (kind: string | undefined) => {
    const r = readReply(renderReply({ ...inbound, kind }, { type: 'news', articles }, 1))
    t.equal(Number(r.ArticleCount), r.Articles.item.length, `${kind}: ArticleCount equals the items`)
    return r.Articles.item.length
  }
  t.equal(count('location'), 1)
  t.equal(count('text'), 1)
  t.equal(count(undefined), 1, 'when the kind is not known, the stricter rule')
  t.equal(count('subscribe'), 8)
  t.equal(count('click'), 8)
})

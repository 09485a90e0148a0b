import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t, { type Test } from 'tap'
import { DEV_TOKEN, loadConfig } from '../src/config.js'
import { projectRoot } from '../src/project-root.js'

t.test('with no configuration: the development token on 127.0.0.1:3000', async t => {
  const c = loadConfig({})
  t.match(c, {
    host: '127.0.0.1',
    port: 3000,
    publicUrl: 'http://127.0.0.1:3000',
    dbFile: 'data/catalogue.sqlite',
    gazetteerFile: 'data/gazetteer.sqlite',
    maxRadiusM: 5000,
    resultCount: 10,
    locationDatum: 'gcj02',
    workers: 1,
  })
  t.match(c.accounts, [{ id: 'default', path: '/wechat', token: DEV_TOKEN, devToken: true, replyStyle: 'news' }])
  t.ok(Object.isFrozen(c) && Object.isFrozen(c.accounts[0]), 'frozen all the way down')
})

t.test('reads every setting', async t => {
  const c = loadConfig({
    WECHAT_TOKEN: 'HotelRecToken2025',
    WECHAT_APP_ID: 'wx5e1f0c3a9b7d2468',
    WECHAT_AES_KEY: 'lfFMx5bvNFGhLNL1cyFVEZjLHfIEfXKV4e9F99JYqio',
    HOST: '0.0.0.0',
    PORT: '8080',
    PUBLIC_URL: 'https://wx.example.com/',
    DB_FILE: '/var/lib/nearby/c.sqlite',
    GAZETTEER_FILE: '/var/lib/nearby/g.sqlite',
    SEARCH_RADIUS_M: '2000',
    RESULT_COUNT: '5',
    REPLY_STYLE: 'TEXT',
    LOCATION_DATUM: 'wgs84',
  })
  t.match(c, { host: '0.0.0.0', port: 8080, publicUrl: 'https://wx.example.com', gazetteerFile: '/var/lib/nearby/g.sqlite', maxRadiusM: 2000, resultCount: 5, locationDatum: 'wgs84' })
  t.match(c.accounts[0], { token: 'HotelRecToken2025', appId: 'wx5e1f0c3a9b7d2468', replyStyle: 'text', devToken: false })
})

t.test('lists every bad value in one CONFIG_INVALID error', async t => {
  const env = {
    WECHAT_TOKEN: 'bad token!',
    WECHAT_AES_KEY: 'short',
    PORT: 'eighty',
    SEARCH_RADIUS_M: '-5',
    REPLY_STYLE: 'carousel',
    LOCATION_DATUM: 'bd09',
    PUBLIC_URL: 'ftp://x',
  }
  t.throws(() => loadConfig(env), { code: 'CONFIG_INVALID' })
  try {
    loadConfig(env)
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter(l => l.startsWith('  - '))
    t.equal(lines.length, 8, (err as Error).message)
    for (const name of ['WECHAT_TOKEN', 'WECHAT_AES_KEY', 'PORT', 'SEARCH_RADIUS_M', 'REPLY_STYLE', 'LOCATION_DATUM', 'PUBLIC_URL', 'WECHAT_APP_ID']) {
      t.match((err as Error).message, name)
    }
  }
})

t.test('a variable set to an empty value is an error, not its default', async t => {
  const env = { PORT: '', DB_FILE: ' ', WECHAT_APP_ID: '', CATALOGUE_SOURCES: '', LOG_LEVEL: '', UNRELATED: '' }
  t.throws(() => loadConfig(env), { code: 'CONFIG_INVALID' })
  try {
    loadConfig(env)
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter(l => l.startsWith('  - '))
    t.same(
      lines.map(l => l.split(' ')[3]),
      ['WECHAT_APP_ID', 'PORT', 'DB_FILE', 'CATALOGUE_SOURCES', 'LOG_LEVEL'],
      (err as Error).message,
    )
    t.match(lines[1], '  - PORT is set but empty: give it a value, or leave it out for the default')
  }
  t.equal(loadConfig({ NODE_ENV: '' }).production, false)
  t.equal(loadConfig({ NODE_ENV: 'production', WECHAT_TOKEN: 'prodToken2025' }).production, true)
})

t.test('production requires a real token', async t => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { code: 'CONFIG_INVALID', message: /WECHAT_TOKEN is required/ })
})

t.test('WORKERS runs several server processes; it must be a whole number from 1', async t => {
  t.equal(loadConfig({ WORKERS: '2' }).workers, 2)
  for (const bad of ['0', 'two', '1.5', '-1']) {
    t.throws(() => loadConfig({ WORKERS: bad }), { code: 'CONFIG_INVALID', message: /WORKERS/ }, bad)
  }
})

const accountsFile = (t: Test, doc: unknown) => {
  const file = join(t.testdir(), 'accounts.json')
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc))
  return file
}

t.test('reads several accounts from ACCOUNTS_FILE, each on /wechat/<id>', async t => {
  const file = accountsFile(t, {
    accounts: [
      {
        id: 'bund',
        token: 'bundToken1',
        appId: 'wx5e1f0c3a9b7d2468',
        aesKey: 'lfFMx5bvNFGhLNL1cyFVEZjLHfIEfXKV4e9F99JYqio',
        dbFile: 'data/bund.sqlite',
        welcome: '欢迎',
        scenes: { shop_1: '一号店' },
        menu: { NEARBY_HOTELS: { action: 'nearby', wishes: ['hotel'] }, ABOUT: { action: 'text', text: '关于' }, ALL: { action: 'nearby' } },
      },
      { id: 'west-lake', token: 'lakeToken2' },
    ],
  })
  const c = loadConfig({ ACCOUNTS_FILE: file, DB_FILE: 'data/shared.sqlite', REPLY_STYLE: 'text', REPLY_DEADLINE_MS: '3000' })
  t.equal(c.accountsFile, file)
  t.equal(c.replyDeadlineMs, 3000)
  const [bund, lake] = c.accounts
  t.match(bund, { id: 'bund', path: '/wechat/bund', token: 'bundToken1', appId: 'wx5e1f0c3a9b7d2468', dbFile: 'data/bund.sqlite', replyStyle: 'text', welcome: '欢迎', devToken: false })
  t.same([...bund!.scenes], [['shop_1', '一号店']])
  t.same([...bund!.menu!], [
    ['NEARBY_HOTELS', { action: 'nearby', wishes: ['hotel'] }],
    ['ABOUT', { action: 'text', text: '关于' }],
    ['ALL', { action: 'nearby', wishes: undefined }],
  ])
  t.match(lake, { id: 'west-lake', path: '/wechat/west-lake', dbFile: 'data/shared.sqlite', replyStyle: 'text', aesKey: undefined, welcome: undefined, menu: undefined })
  t.equal(lake!.scenes.size, 0)
  t.equal(loadConfig({}).replyDeadlineMs, 4500, 'the reply deadline defaults to 4.5 s')
})

t.test('an accounts file with problems is refused with every problem listed, and no secret echoed', async t => {
  const file = accountsFile(t, {
    accounts: [
      { id: 'Bad Id', token: 'x!', aesKey: 'not-a-key-but-secret', extra: 1 },
      { id: 'ok', token: 'okToken', replyStyle: 'carousel', welcome: '', scenes: { s: 5 }, menu: { K: { action: 'jump' }, H: { action: 'nearby', wishes: [] }, T: { action: 'text' } } },
      { id: 'ok', token: 'okToken' },
      'nope',
    ],
    other: true,
  })
  const err = (() => {
    try {
      loadConfig({ ACCOUNTS_FILE: file, WECHAT_TOKEN: 'envToken' })
    } catch (e) {
      return e as Error & { code: string }
    }
  })()
  t.equal(err?.code, 'CONFIG_INVALID')
  const lines = err!.message.split('\n').filter(l => l.startsWith('  - '))
  const expected = [
    'WECHAT_TOKEN is set as well as ACCOUNTS_FILE',
    'unknown field "other"',
    'accounts[0]: unknown field "extra"',
    'accounts[0].id: expected a short name',
    'accounts[0].token: expected 3 to 32 letters or digits',
    'accounts[0].aesKey: expected exactly 43 letters or digits',
    'accounts[0]: aesKey is set but appId is not',
    'accounts[1].replyStyle: expected "news" or "text" (got "carousel")',
    'accounts[1].welcome: expected a non-empty text',
    'accounts[1].scenes["s"]: expected a non-empty text',
    'accounts[1].menu["K"].action: expected "nearby" or "text"',
    'accounts[1].menu["H"].wishes: expected a non-empty list',
    'accounts[1].menu["T"].text: expected a text',
    'accounts[2].id: "ok" is used twice',
    'accounts[3]: expected an object',
  ]
  for (const e of expected) t.ok(lines.some(l => l.includes(e)), e)
  t.equal(lines.length, expected.length, err!.message)
  t.notMatch(err!.message, 'not-a-key-but-secret')
  t.notMatch(err!.message, 'x!')
})

t.test('a duplicate id, a missing or broken file are reported clearly', async t => {
  const dup = accountsFile(t, { accounts: [{ id: 'a', token: 'tokenA' }, { id: 'a', token: 'tokenB' }] })
  t.throws(() => loadConfig({ ACCOUNTS_FILE: dup }), { code: 'CONFIG_INVALID', message: /accounts\[1\]\.id: "a" is used twice/ })
  const noAppId = accountsFile(t, { accounts: [{ id: 'c', token: 'tokenC', aesKey: 'lfFMx5bvNFGhLNL1cyFVEZjLHfIEfXKV4e9F99JYqio' }] })
  t.throws(() => loadConfig({ ACCOUNTS_FILE: noAppId }), { message: /accounts\[0\]: aesKey is set but appId is not/ })
  t.throws(() => loadConfig({ ACCOUNTS_FILE: join(t.testdir(), 'missing.json') }), { message: /ACCOUNTS_FILE=.*missing\.json": no such file/ })
  t.throws(() => loadConfig({ ACCOUNTS_FILE: accountsFile(t, '{"accounts": [') }), { message: /not valid JSON/ })
  t.throws(() => loadConfig({ ACCOUNTS_FILE: accountsFile(t, { accounts: [] }) }), { message: /at least one account/ })
  t.throws(() => loadConfig({ REPLY_DEADLINE_MS: '6000' }), { message: /REPLY_DEADLINE_MS="6000": expected a whole number from 100 to 4900/ })
  t.throws(() => loadConfig({ WELCOME_TEXT: '长'.repeat(700) }), { message: /WELCOME_TEXT: at most 2000 bytes/ })
})

t.test('the example accounts file in the repository is valid', async t => {
  const c = loadConfig({ ACCOUNTS_FILE: join(projectRoot(), 'examples/accounts.json') })
  t.same(c.accounts.map(a => a.path), ['/wechat/bund', '/wechat/west-lake'])
  t.same(c.accounts.map(a => a.examples), [['外滩', '豫园'], ['断桥', '雷峰塔']], "each names its own city's places")
})

t.test("an account's example place names: a short list of short names, checked", async t => {
  const good = accountsFile(t, { accounts: [{ id: 'lake', token: 'tokenL', examples: [' 断桥 ', '雷峰塔'] }, { id: 'sh', token: 'tokenS' }] })
  const c = loadConfig({ ACCOUNTS_FILE: good })
  t.same(c.accounts[0]!.examples, ['断桥', '雷峰塔'], 'trimmed')
  t.ok(Object.isFrozen(c.accounts[0]!.examples))
  t.equal(c.accounts[1]!.examples, undefined, 'none: the default examples')
  t.equal(loadConfig({}).accounts[0]!.examples, undefined, 'the env account uses the default examples')
  const bad = accountsFile(t, {
    accounts: [
      { id: 'a', token: 'tokenA', examples: [] },
      { id: 'b', token: 'tokenB', examples: '西湖' },
      { id: 'c', token: 'tokenC', examples: ['西湖', '', '一二三四五六七八九十一二三', '“断桥”'] },
      { id: 'd', token: 'tokenD', examples: ['a', 'b', 'c', 'd', 'e'] },
      { id: 'e', token: 'tokenE', examples: [7] },
    ],
  })
  const err = (() => {
    try {
      loadConfig({ ACCOUNTS_FILE: bad })
    } catch (e) {
      return e as Error & { code: string }
    }
    return undefined
  })()
  t.equal(err?.code, 'CONFIG_INVALID')
  for (const line of [
    'accounts[0].examples: expected a list of 1 to 4 place names',
    'accounts[1].examples: expected a list of 1 to 4 place names',
    'accounts[2].examples[1]: expected a list of 1 to 4 place names (each 1 to 12 characters, one line), without quotes (got "")',
    'accounts[2].examples[2]: expected',
    'accounts[2].examples[3]: expected',
    'accounts[3].examples: expected a list of 1 to 4 place names',
    'accounts[4].examples[0]: expected',
  ]) t.match(err?.message, line)
  t.notMatch(err?.message, 'accounts[2].examples[0]', '西湖 is fine')
})

t.test('reads the refresh settings and the catalogue sources', async t => {
  const c = loadConfig({
    REFRESH_CRON: '0 4 * * 1',
    REFRESH_TZ: 'Asia/Hong_Kong',
    REFRESH_MIN_RATIO: '0.8',
    REFRESH_TIMEOUT_S: '30',
    REFRESH_MAX_MB: '16',
    CATALOGUE_SOURCES: 'data/hotels.csv, https://example.com/shops.geojson',
  })
  t.same(c.refresh, { cron: '0 4 * * 1', timezone: 'Asia/Hong_Kong', minRatio: 0.8, timeoutMs: 30_000, maxBytes: 16 * 1024 * 1024 })
  t.same(c.accounts[0]!.sources, [{ location: resolve('data/hotels.csv') }, { location: 'https://example.com/shops.geojson' }])
  const json = loadConfig({
    CATALOGUE_SOURCES: JSON.stringify(['/srv/a.csv', { location: 'https://example.com/b,c.csv', datum: 'GCJ02', category: 'hotel', strict: true }]),
  })
  t.same(json.accounts[0]!.sources, [
    { location: '/srv/a.csv' },
    { location: 'https://example.com/b,c.csv', datum: 'gcj02', category: 'hotel', strict: true },
  ])
  t.same(loadConfig({}).accounts[0]!.sources, [], 'no sources: nothing to refresh from')
})

t.test('lists every bad refresh setting and source', async t => {
  const env = {
    REFRESH_CRON: '61 * * * *',
    REFRESH_TZ: 'Mars/Olympus',
    REFRESH_MIN_RATIO: '1.5',
    CATALOGUE_SOURCES: '["ftp://example.com/a.csv", {"location": "/a.csv", "datum": "osgb"}, 3]',
  }
  t.throws(() => loadConfig(env), { code: 'CONFIG_INVALID' })
  const message = (() => {
    try {
      loadConfig(env)
      return ''
    } catch (err) {
      return (err as Error).message
    }
  })()
  for (const part of ['REFRESH_CRON', 'REFRESH_TZ', 'REFRESH_MIN_RATIO', 'CATALOGUE_SOURCES[0]', 'CATALOGUE_SOURCES[1].datum', 'CATALOGUE_SOURCES[2]']) {
    t.match(message, part)
  }
  t.throws(() => loadConfig({ CATALOGUE_SOURCES: '[not json' }), { message: /CATALOGUE_SOURCES: not valid JSON/ })
  // A misspelt option is refused, not ignored: "stict" must not look like strict mode.
  t.throws(() => loadConfig({ CATALOGUE_SOURCES: '[{"location": "/a.csv", "stict": true, "catgory": "hotel"}]' }), {
    message: 'Invalid configuration:\n  - CATALOGUE_SOURCES[0]: unknown fields "stict", "catgory" (known: location, path, url, datum, category, strict)',
  })
  t.throws(() => loadConfig({ CATALOGUE_SOURCES: '[{"location": "/a.csv", "strict": "yes"}]' }), { message: /CATALOGUE_SOURCES\[0\]\.strict="yes": expected true or false/ })
})

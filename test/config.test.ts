import t from 'tap'
import { DEV_TOKEN, loadConfig } from '../src/config.js'

t.test('with no configuration: the development token on 127.0.0.1:3000', async t => {
  const c = loadConfig({})
  t.match(c, {
    host: '127.0.0.1',
    port: 3000,
    publicUrl: 'http://127.0.0.1:3000',
    dbFile: 'data/catalogue.sqlite',
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
    SEARCH_RADIUS_M: '2000',
    RESULT_COUNT: '5',
    REPLY_STYLE: 'TEXT',
    LOCATION_DATUM: 'wgs84',
  })
  t.match(c, { host: '0.0.0.0', port: 8080, publicUrl: 'https://wx.example.com', maxRadiusM: 2000, resultCount: 5, locationDatum: 'wgs84' })
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

t.test('production requires a real token', async t => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { code: 'CONFIG_INVALID', message: /WECHAT_TOKEN is required/ })
})

t.test('WORKERS runs several server processes; it must be a whole number from 1', async t => {
  t.equal(loadConfig({ WORKERS: '2' }).workers, 2)
  for (const bad of ['0', 'two', '1.5', '-1']) {
    t.throws(() => loadConfig({ WORKERS: bad }), { code: 'CONFIG_INVALID', message: /WORKERS/ }, bad)
  }
})

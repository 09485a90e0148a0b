import { resolve } from 'node:path'
import { projectRoot } from '../../src/project-root.js'

/** The shared fixtures and data live beside the checkout (and beside CI's clone). */
export const SHARED = resolve(projectRoot(), '../shared')
export const FIXTURES = resolve(SHARED, 'fixtures/wechat')
export const CASES = resolve(SHARED, 'cases')
export const DATA = resolve(SHARED, 'data')
export const fixture = (name: string) => resolve(FIXTURES, name)

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GroutError } from '../core/errors.js';
import { defaultFeeds, parseConfig, resolveDatabaseSettings } from './feed-config.js';

const work = mkdtempSync(join(tmpdir(), 'grout-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function configFile(text: string): string {
  const file = join(mkdtempSync(join(work, 'c-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): GroutError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GroutError) return err;
    throw err;
  }
  throw new Error('expected a GroutError');
}

describe('defaultFeeds', () => {
  const feeds = defaultFeeds();

  it('has unique names and real public https URLs for every source', () => {
    expect(new Set(feeds.map((f) => f.name)).size).toBe(feeds.length);
    for (const f of feeds) expect(f.url, f.name).toMatch(/^https:\/\/[a-z0-9.-]+\//);
    const byName = new Map(feeds.map((f) => [f.name, f]));
    for (const eco of ['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'NuGet', 'RubyGems', 'Packagist', 'Ubuntu', 'Alpine']) {
      expect(byName.get(`osv-${eco.toLowerCase()}`)?.url).toBe(`https://osv-vulnerabilities.storage.googleapis.com/${eco}/all.zip`);
    }
    expect(byName.get('alpine-secdb-v3.22-community')?.url).toBe('https://secdb.alpinelinux.org/v3.22/community.json');
    expect(byName.get('debian-tracker')?.format).toBe('debian-tracker');
    expect(byName.get('debian-dsa')?.url).toMatch(/data\/DSA\/list$/);
    expect(byName.get('debian-dla')?.url).toMatch(/data\/DLA\/list$/);
    expect(byName.get('kev')?.url).toMatch(/known_exploited_vulnerabilities\.json$/);
    expect(byName.get('epss')?.url).toMatch(/epss_scores-current\.csv\.gz$/);
    expect(feeds.filter((f) => f.format === 'eol').map((f) => f.name)).toEqual(expect.arrayContaining(['eol-debian', 'eol-ubuntu', 'eol-alpine-linux', 'eol-nodejs', 'eol-python']));
  });

  it('never names a package registry or distribution mirror host', () => {
    const hosts = feeds.map((f) => new URL(f.url).hostname);
    for (const host of hosts) expect(host).not.toMatch(/registry\.npmjs|pypi\.org|pythonhosted|deb\.debian\.org|ftp\.debian|security\.debian\.org|dl-cdn\.alpinelinux/);
  });
});

describe('resolveDatabaseSettings', () => {
  const home = join(work, 'home');

  it('defaults to the XDG cache dir, all feeds enabled, 120 h maximum age', () => {
    const s = resolveDatabaseSettings({ env: { HOME: home } });
    expect(s.dbPath).toBe(join(home, '.cache', 'grout', 'db', 'grout.db'));
    expect(s.maxAgeHours).toBe(120);
    expect(s.feeds.every((f) => f.enabled)).toBe(true);
    expect(s.configFile).toBeUndefined();
    expect(resolveDatabaseSettings({ env: { HOME: home, XDG_CACHE_HOME: '/var/cache/me' } }).dbPath).toBe('/var/cache/me/grout/db/grout.db');
  });

  it('reads $XDG_CONFIG_HOME/grout/config.yaml; GROUT_DB beats the file and --db beats both', () => {
    const xdg = join(work, 'xdg');
    const file = join(xdg, 'grout', 'config.yaml');
    mkdirSync(join(xdg, 'grout'), { recursive: true });
    writeFileSync(file, 'db:\n  path: ~/dbs/grout.db\n  maxAgeHours: 48\nfeeds:\n  osv-npm:\n    url: file:///mirror/npm/all.zip\n  osv-nuget:\n    enabled: false\n  internal:\n    format: osv\n    url: /srv/advisories\nscan:\n  anything: goes\n');
    const s = resolveDatabaseSettings({ env: { HOME: home, XDG_CONFIG_HOME: xdg } });
    expect(s.configFile).toBe(file);
    expect(s.dbPath).toBe(join(home, 'dbs', 'grout.db'));
    expect(s.maxAgeHours).toBe(48);
    expect(s.feeds.find((f) => f.name === 'osv-npm')?.url).toBe('file:///mirror/npm/all.zip');
    expect(s.feeds.find((f) => f.name === 'osv-nuget')?.enabled).toBe(false);
    expect(s.feeds.at(-1)).toEqual({ name: 'internal', format: 'osv', url: '/srv/advisories', description: 'osv feed from internal', enabled: true });
    expect(resolveDatabaseSettings({ env: { HOME: home, XDG_CONFIG_HOME: xdg, GROUT_DB: '/x/env.db' } }).dbPath).toBe('/x/env.db');
    expect(resolveDatabaseSettings({ dbPath: '/x/flag.db', env: { HOME: home, XDG_CONFIG_HOME: xdg, GROUT_DB: '/x/env.db' } }).dbPath).toBe('/x/flag.db');
  });

  it('$GROUT_CONFIG names the file; a missing one is an error naming it', () => {
    const file = configFile('db:\n  path: rel/grout.db\n');
    const s = resolveDatabaseSettings({ env: { HOME: home, GROUT_CONFIG: file } });
    expect(s.dbPath).toBe(join(file, '..', 'rel', 'grout.db'));
    const missing = join(work, 'nope.yaml');
    const err = errorOf(() => resolveDatabaseSettings({ env: { HOME: home, GROUT_CONFIG: missing } }));
    expect(err.code).toBe('E_INPUT_FORMAT');
    expect(err.message).toContain(missing);
  });

  it('a new feed without format and url is an error naming the file', () => {
    const file = configFile('feeds:\n  mine:\n    url: https://example.test/x.zip\n');
    const err = errorOf(() => resolveDatabaseSettings({ env: { HOME: home, GROUT_CONFIG: file } }));
    expect(err.message).toBe(`${file}: feeds.mine is not a default feed, so it needs both format and url`);
  });
});

describe('parseConfig', () => {
  it.each([
    ['db: [1, 2]', 'db must be a mapping'],
    ['db:\n  path: 3', 'db.path must be a non-empty string'],
    ['db:\n  maxAgeHours: -1', 'db.maxAgeHours must be a positive number of hours'],
    ['db:\n  maxAgeHours: "48"', 'db.maxAgeHours must be a positive number of hours'],
    ['db:\n  pth: /x', 'unknown key db.pth'],
    ['feeds:\n  osv-npm:\n    url: ftp://x/y', 'feeds.osv-npm.url must be an http(s):// or file:// URL or an absolute path'],
    ['feeds:\n  osv-npm:\n    enabled: "no"', 'feeds.osv-npm.enabled must be true or false'],
    ['feeds:\n  x:\n    format: rss\n    url: /a', 'feeds.x.format must be one of'],
    ['feeds:\n  x:\n    urls: /a', 'unknown key feeds.x.urls'],
    ['feeds:\n  "bad name":\n    url: /a', 'feeds.bad name: a feed name'],
    ['feeds: [a]', 'feeds must be a mapping'],
    ['- a list', 'the top level must be a mapping'],
    ['db: {path: "unterminated', 'not valid YAML'],
  ])('%j → %s', (text, message) => {
    const err = errorOf(() => parseConfig(text, '/etc/grout.yaml'));
    expect(err.code).toBe('E_INPUT_FORMAT');
    expect(err.message).toContain('/etc/grout.yaml: ');
    expect(err.message).toContain(message);
  });

  it('an empty file is no configuration', () => {
    expect(parseConfig('', '/x.yaml')).toEqual({ feeds: new Map() });
  });
});

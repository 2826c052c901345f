/**
 * Where the vulnerability database lives and which feeds `grout db update` downloads. Defaults are the real public
 * sources; a YAML config file (`$GROUT_CONFIG`, else `$XDG_CONFIG_HOME/grout/config.yaml`) can move the database,
 * change its maximum age, point any feed at a mirror, disable feeds, and add feeds; `$GROUT_DB` overrides the path.
 *
 * ```yaml
 * db:
 *   path: /var/cache/grout/grout.db
 *   maxAgeHours: 48
 * feeds:
 *   osv-npm: { url: https://mirror.example/osv/npm/all.zip }
 *   osv-nuget: { enabled: false }
 *   internal-advisories: { format: osv, url: file:///srv/advisories/ }
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GroutError } from '../core/errors.js';
import type { FeedDefinition, FeedFormat } from './feed.js';

export interface FeedSetting extends FeedDefinition {
  enabled: boolean;
}

export interface DatabaseSettings {
  dbPath: string;
  /** `grout db status` and `grout scan` warn when the database is older than this. */
  maxAgeHours: number;
  feeds: FeedSetting[];
  /** The config file that was read, when there was one. */
  configFile?: string;
}

export interface SettingsOverrides {
  /** `--db`: wins over everything. */
  dbPath?: string;
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_MAX_AGE_HOURS = 120;
const FORMATS = ['osv', 'alpine-secdb', 'debian-dsa-list', 'debian-tracker', 'kev', 'epss', 'eol'] as const satisfies readonly FeedFormat[];
const FEED_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,99}$/;

/** OSV's per-ecosystem exports (https://google.github.io/osv.dev/data/#data-dumps). */
const OSV_ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'NuGet', 'RubyGems', 'Packagist', 'Ubuntu', 'Alpine'] as const;
/** Alpine branches in security support (https://alpinelinux.org/releases/): 3.21 ended 2026-11-01. */
const ALPINE_BRANCHES = ['v3.22', 'v3.23', 'v3.24'] as const;
/** endoflife.date products: the distributions grout detects, and common language runtimes. */
const EOL_PRODUCTS = [
  'debian',
  'ubuntu',
  'alpine-linux',
  'rhel',
  'centos-stream',
  'rocky-linux',
  'almalinux',
  'oracle-linux',
  'amazon-linux',
  'fedora',
  'sles',
  'opensuse',
  'nodejs',
  'python',
  'go',
  'ruby',
  'php',
  'perl',
  'dotnet',
  'eclipse-temurin',
] as const;

/** The feeds `grout db update` downloads unless configured otherwise, in update order. */
export function defaultFeeds(): FeedDefinition[] {
  const feeds: FeedDefinition[] = [];
  for (const ecosystem of OSV_ECOSYSTEMS) {
    feeds.push({
      name: `osv-${ecosystem.toLowerCase()}`,
      format: 'osv',
      url: `https://osv-vulnerabilities.storage.googleapis.com/${ecosystem}/all.zip`,
      description: `OSV advisories for ${ecosystem}`,
    });
  }
  for (const branch of ALPINE_BRANCHES) {
    for (const repo of ['main', 'community']) {
      feeds.push({
        name: `alpine-secdb-${branch}-${repo}`,
        format: 'alpine-secdb',
        url: `https://secdb.alpinelinux.org/${branch}/${repo}.json`,
        description: `Alpine secdb, ${branch} ${repo}`,
      });
    }
  }
  feeds.push(
    {
      name: 'debian-tracker',
      format: 'debian-tracker',
      url: 'https://security-tracker.debian.org/tracker/data/json',
      description: 'Debian security tracker: every CVE by source package and release',
    },
    {
      name: 'debian-dsa',
      format: 'debian-dsa-list',
      url: 'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list',
      description: 'Debian Security Advisories (DSA list)',
    },
    {
      name: 'debian-dla',
      format: 'debian-dsa-list',
      url: 'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list',
      description: 'Debian LTS Advisories (DLA list)',
    },
    {
      name: 'kev',
      format: 'kev',
      url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
      description: 'CISA Known Exploited Vulnerabilities catalog',
    },
    {
      name: 'epss',
      format: 'epss',
      url: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz',
      description: 'FIRST EPSS scores, current day',
    },
  );
  for (const product of EOL_PRODUCTS) {
    feeds.push({
      name: `eol-${product}`,
      format: 'eol',
      url: `https://endoflife.date/api/v1/products/${product}/`,
      description: `endoflife.date release cycles of ${product}`,
    });
  }
  return feeds;
}

/** Database path, maximum age and feeds, from defaults, the config file, `$GROUT_DB` and `--db`. */
export function resolveDatabaseSettings(overrides: SettingsOverrides = {}): DatabaseSettings {
  const env = overrides.env ?? process.env;
  const home = nonEmpty(env['HOME']) ?? homedir();
  const explicit = nonEmpty(env['GROUT_CONFIG']);
  const configFile = explicit ?? join(nonEmpty(env['XDG_CONFIG_HOME']) ?? join(home, '.config'), 'grout', 'config.yaml');
  let config: ConfigFile = { feeds: new Map() };
  if (explicit !== undefined || existsSync(configFile)) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (cause) {
      throw new GroutError('E_INPUT_FORMAT', `cannot read the config file ${configFile}: ${(cause as Error).message}`, { file: configFile, cause, hint: 'fix or unset GROUT_CONFIG' });
    }
    config = parseConfig(text, configFile, home);
  }
  const feeds = applyFeedConfig(defaultFeeds(), config, configFile);
  const dbPath =
    nonEmpty(overrides.dbPath) ??
    nonEmpty(env['GROUT_DB']) ??
    config.dbPath ??
    join(nonEmpty(env['XDG_CACHE_HOME']) ?? join(home, '.cache'), 'grout', 'db', 'grout.db');
  return {
    dbPath: resolve(expandHome(dbPath, home)),
    maxAgeHours: config.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS,
    feeds,
    ...(config.dbPath !== undefined || config.maxAgeHours !== undefined || config.feeds.size > 0 || explicit !== undefined ? { configFile } : {}),
  };
}

interface FeedOverride {
  url?: string;
  enabled?: boolean;
  format?: FeedFormat;
  description?: string;
}

export interface ConfigFile {
  dbPath?: string;
  maxAgeHours?: number;
  feeds: Map<string, FeedOverride>;
}

/** Parse and validate a config file's text; every error is E_INPUT_FORMAT naming `file` and the key. */
export function parseConfig(text: string, file: string, home: string = homedir()): ConfigFile {
  const fail = (message: string): never => {
    throw new GroutError('E_INPUT_FORMAT', `${file}: ${message}`, { file, hint: 'see `grout db --help` for the config keys db.path, db.maxAgeHours and feeds.<name>.{url,enabled,format}' });
  };
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new GroutError('E_INPUT_FORMAT', `${file}: not valid YAML: ${(cause as Error).message.split('\n')[0]}`, { file, cause });
  }
  const result: ConfigFile = { feeds: new Map() };
  if (doc === null || doc === undefined) return result;
  if (!isRecord(doc)) return fail('the top level must be a mapping');
  // Other top-level keys belong to other parts of grout; only db and feeds are checked here.
  const db = doc['db'];
  if (db !== undefined && db !== null) {
    if (!isRecord(db)) return fail('db must be a mapping');
    for (const [key, value] of Object.entries(db)) {
      if (key === 'path') {
        if (typeof value !== 'string' || value.trim() === '') fail('db.path must be a non-empty string');
        const path = expandHome(String(value), home);
        result.dbPath = isAbsolute(path) ? path : resolve(dirname(file), path);
      } else if (key === 'maxAgeHours') {
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 24 * 365 * 10) fail('db.maxAgeHours must be a positive number of hours');
        result.maxAgeHours = Number(value);
      } else {
        fail(`unknown key db.${key} (expected path, maxAgeHours)`);
      }
    }
  }
  const feeds = doc['feeds'];
  if (feeds !== undefined && feeds !== null) {
    if (!isRecord(feeds)) return fail('feeds must be a mapping of feed name to settings');
    const entries = Object.entries(feeds);
    if (entries.length > 1000) fail('feeds has more than 1000 entries');
    for (const [name, value] of entries) {
      if (!FEED_NAME.test(name)) fail(`feeds.${name}: a feed name is letters, digits and . _ : @ + - (at most 100)`);
      if (!isRecord(value)) return fail(`feeds.${name} must be a mapping (url, enabled, format, description)`);
      const override: FeedOverride = {};
      for (const [key, v] of Object.entries(value)) {
        switch (key) {
          case 'url':
            if (typeof v !== 'string' || !isFeedLocation(v)) fail(`feeds.${name}.url must be an http(s):// or file:// URL or an absolute path`);
            override.url = String(v);
            break;
          case 'enabled':
            if (typeof v !== 'boolean') fail(`feeds.${name}.enabled must be true or false`);
            override.enabled = Boolean(v);
            break;
          case 'format':
            if (typeof v !== 'string' || !(FORMATS as readonly string[]).includes(v)) fail(`feeds.${name}.format must be one of ${FORMATS.join(', ')}`);
            override.format = v as FeedFormat;
            break;
          case 'description':
            if (typeof v !== 'string') fail(`feeds.${name}.description must be a string`);
            override.description = String(v);
            break;
          default:
            fail(`unknown key feeds.${name}.${key} (expected url, enabled, format, description)`);
        }
      }
      result.feeds.set(name, override);
    }
  }
  return result;
}

/** Apply overrides to the defaults; a name that is not a default is a new feed and needs format and url. */
export function applyFeedConfig(defaults: FeedDefinition[], config: ConfigFile, file = 'config'): FeedSetting[] {
  const settings: FeedSetting[] = defaults.map((d) => ({ ...d, enabled: true }));
  for (const [name, override] of config.feeds) {
    const existing = settings.find((s) => s.name === name);
    if (existing !== undefined) {
      if (override.url !== undefined) existing.url = override.url;
      if (override.enabled !== undefined) existing.enabled = override.enabled;
      if (override.format !== undefined) existing.format = override.format;
      if (override.description !== undefined) existing.description = override.description;
      continue;
    }
    if (override.format === undefined || override.url === undefined) {
      throw new GroutError('E_INPUT_FORMAT', `${file}: feeds.${name} is not a default feed, so it needs both format and url`, { file });
    }
    settings.push({ name, format: override.format, url: override.url, description: override.description ?? `${override.format} feed from ${name}`, enabled: override.enabled ?? true });
  }
  return settings;
}

function isFeedLocation(value: string): boolean {
  if (isAbsolute(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'file:';
  } catch {
    return false;
  }
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

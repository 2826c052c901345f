import { describe, expect, it } from 'vitest';
import { viewOfFiles } from '../../../test/memory-view.js';
import { aptSources, imageFilesOf, parseDeb822Sources, parseOneLine, parseSourcesList } from './sources.js';

const files = (entries: Record<string, string>) => imageFilesOf(viewOfFiles(entries));

describe('APT sources', () => {
  it("reads a Debian 12 image's deb822 debian.sources", () => {
    const debian = `Types: deb
# http://snapshot.debian.org/archive/debian/20250721T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no
`;
    const { sources, issues } = parseDeb822Sources(debian, 'etc/apt/sources.list.d/debian.sources', 'amd64');
    expect(issues).toEqual([]);
    expect(sources.map((s) => `${s.origin} ${s.uri} ${s.suite} ${s.components.join(',')} ${s.signedBy?.files.join(',')}`)).toEqual([
      'etc/apt/sources.list.d/debian.sources#1 http://deb.debian.org/debian bookworm main /usr/share/keyrings/debian-archive-keyring.gpg',
      'etc/apt/sources.list.d/debian.sources#1 http://deb.debian.org/debian bookworm-updates main /usr/share/keyrings/debian-archive-keyring.gpg',
      'etc/apt/sources.list.d/debian.sources#2 http://deb.debian.org/debian-security bookworm-security main,contrib /usr/share/keyrings/debian-archive-keyring.gpg',
    ]);
  });

  it('reads one-line options: arch, signed-by files and fingerprints, trusted, check-valid-until; skips deb-src and comments', () => {
    const list = `# comment
deb-src http://deb.example/debian bookworm main
deb [ arch=amd64,i386 signed-by=/etc/apt/keyrings/x.gpg ] http://deb.example/debian/ bookworm main contrib # trailing
deb [signed-by=ABCDEF0123456789ABCDEF0123456789ABCDEF01! trusted=yes check-valid-until=no] https://snap.example/debian $(ARCH)-suite main
deb [lang=none target=x] file:/srv/mirror ./
`;
    const { sources, issues } = parseSourcesList(list, 'etc/apt/sources.list', 'arm64');
    expect(issues).toEqual([]);
    expect(sources).toEqual([
      { origin: 'etc/apt/sources.list:3', uri: 'http://deb.example/debian', suite: 'bookworm', components: ['main', 'contrib'], architectures: ['amd64', 'i386'], signedBy: { files: ['/etc/apt/keyrings/x.gpg'], fingerprints: [], armored: [] }, trusted: false, checkValidUntil: true },
      { origin: 'etc/apt/sources.list:4', uri: 'https://snap.example/debian', suite: 'arm64-suite', components: ['main'], signedBy: { files: [], fingerprints: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'], armored: [] }, trusted: true, checkValidUntil: false },
      { origin: 'etc/apt/sources.list:5', uri: 'file:/srv/mirror', suite: './', components: [], trusted: false, checkValidUntil: true },
    ]);
  });

  it('reports malformed lines as issues without stopping', () => {
    const list = ['deb', 'deb [arch=amd64 http://x/ bookworm main', 'deb ftp://old.example/debian bookworm main', 'deb http://x/debian bookworm', 'deb http://x/debian ../../etc main', 'rpm http://x/ y', 'deb http://ok.example/debian bookworm main'].join('\n');
    const { sources, issues } = parseSourcesList(list, 'l', 'amd64');
    expect(sources.map((s) => s.uri)).toEqual(['http://ok.example/debian']);
    expect(issues).toEqual([
      { path: 'l:1', reason: 'a deb line needs a URI and a suite' },
      { path: 'l:2', reason: 'an option list "[" without "]"' },
      { path: 'l:3', reason: 'unsupported URI "ftp://old.example/debian" (grout fetches http, https and file URIs)' },
      { path: 'l:4', reason: 'suite bookworm needs at least one component' },
      { path: 'l:5', reason: 'suite "../../etc" climbs out of the archive' },
      { path: 'l:6', reason: 'unknown source type "rpm"' },
    ]);
    expect(parseOneLine('x'.repeat(10) + '\u0000', 'z', 'amd64')).toBe('unknown source type "xxxxxxxxxx\\u0000"');
  });

  it('reads sources.list then sources.list.d in name order, ignoring other file names', () => {
    const image = files({
      'etc/apt/sources.list': 'deb http://a.example/debian bookworm main\n',
      'etc/apt/sources.list.d/z.list': 'deb http://z.example/debian bookworm main\n',
      'etc/apt/sources.list.d/b.sources': 'Types: deb\nURIs: http://b.example/debian\nSuites: bookworm\nComponents: main\n',
      'etc/apt/sources.list.d/old.list.disabled': 'deb http://no.example/debian bookworm main\n',
      'etc/apt/sources.list.d/bad name.list': 'deb http://no.example/debian bookworm main\n',
    });
    expect(aptSources(image, { arch: 'amd64' }).sources.map((s) => s.uri)).toEqual(['http://a.example/debian', 'http://b.example/debian', 'http://z.example/debian']);
  });

  it('applies --repo: mirrors by last path segment, full lines replacing the image sources', () => {
    const image = files({ 'etc/apt/sources.list.d/debian.sources': 'Types: deb\nURIs: http://deb.debian.example/debian http://deb.debian.example/debian-security\nSuites: bookworm\nComponents: main\n' });
    const mirrored = aptSources(image, { arch: 'amd64', repos: ['http://mirror.local/debian-security/', 'http://mirror.local/debian'] });
    expect(mirrored.sources.map((s) => s.uri)).toEqual(['http://mirror.local/debian', 'http://mirror.local/debian-security']);
    const one = aptSources(image, { arch: 'amd64', repos: ['http://127.0.0.1:9/all'] });
    expect(one.sources.map((s) => s.uri)).toEqual(['http://127.0.0.1:9/all']);
    expect(() => aptSources(image, { arch: 'amd64', repos: ['http://m/a', 'http://m/b'] })).toThrow(/no --repo mirror matches http:\/\/deb.debian.example\/debian /);
    const replaced = aptSources(image, { arch: 'amd64', repos: ['deb http://air.gap/debian bookworm main'] });
    expect(replaced.sources.map((s) => `${s.origin} ${s.uri}`)).toEqual(['--repo http://air.gap/debian']);
    expect(() => aptSources(image, { arch: 'amd64', repos: ['deb http://air.gap/debian'] })).toThrow(/--repo "deb http:\/\/air.gap\/debian": a deb line needs a URI and a suite/);
  });

  it('leaves out trusted=yes image sources with the reason, and fails when nothing usable is left', () => {
    const image = files({ 'etc/apt/sources.list': 'deb [trusted=yes] http://t.example/debian bookworm main\ndeb http://ok.example/debian bookworm main\n' });
    const list = aptSources(image, { arch: 'amd64' });
    expect(list.sources.map((s) => s.uri)).toEqual(['http://ok.example/debian']);
    expect(list.issues).toEqual([{ path: 'etc/apt/sources.list:1', reason: 'not used: marked trusted=yes, so nothing would check what it serves (allow unsigned repositories explicitly to use it)' }]);
    expect(aptSources(image, { arch: 'amd64', allowUnsigned: true }).sources).toHaveLength(2);
    expect(() => aptSources(files({}), { arch: 'amd64' })).toThrow(/the image declares no usable APT sources/);
  });

  it('reads an inline Signed-By key block of a deb822 stanza', () => {
    const text = 'Types: deb\nURIs: http://x.example/d\nSuites: s\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mDMEZ\n -----END PGP PUBLIC KEY BLOCK-----\n';
    const [source] = parseDeb822Sources(text, 'f', 'amd64').sources;
    expect(source?.signedBy?.armored).toEqual(['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----']);
  });
});

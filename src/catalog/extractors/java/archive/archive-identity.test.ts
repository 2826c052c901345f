import { describe, expect, it } from 'vitest';
import { coordinatesFromFileName, identifyArchive, isArchiveName, manifestGroupId } from './archive-identity.js';
import { parseManifest } from './manifest.js';

describe('isArchiveName', () => {
  it.each([
    ['app/lib/a.jar', true],
    ['A.WAR', true],
    ['x.ear', true],
    ['x.par', true],
    ['x.sar', true],
    ['plugins/git.jpi', true],
    ['plugins/git.hpi', true],
    ['lib/.jar', false],
    ['.jar', false],
    ['a.jar.sha1', false],
    ['a.zip', false],
    ['jar', false],
  ])('%s → %s', (name, wanted) => expect(isArchiveName(name)).toBe(wanted));
});

describe('coordinatesFromFileName', () => {
  it.each([
    ['usr/share/java/spring-core-5.3.4-SNAPSHOT.jar', 'spring-core', '5.3.4-SNAPSHOT'],
    ['log4j-1.2-api-2.17.1.jar', 'log4j-1.2-api', '2.17.1'],
    ['bcprov-jdk18on-1.76.jar', 'bcprov-jdk18on', '1.76'],
    ['netty-codec-4.1.100.Final.jar', 'netty-codec', '4.1.100.Final'],
    ['guava-31.1-jre.jar', 'guava', '31.1-jre'],
  ])('%s', (path, artifactId, version) => expect(coordinatesFromFileName(path)).toEqual({ artifactId, version }));

  it('has nothing without a -<digit> version', () => {
    expect(coordinatesFromFileName('commons-io.jar')).toBeUndefined();
    expect(coordinatesFromFileName('-1.0.jar')).toBeUndefined();
  });
});

describe('manifestGroupId (trivy order)', () => {
  it.each([
    ['Implementation-Vendor-Id: org.vendor\nBundle-SymbolicName: a.b.c\n', 'org.vendor'],
    ['Bundle-SymbolicName: com.fasterxml.jackson.core.jackson-databind;singleton:=true\nImplementation-Vendor: FasterXML\n', 'com.fasterxml.jackson.core'],
    ['Bundle-SymbolicName: single\n', 'single'],
    ['Implementation-Vendor: The Vendor\nSpecification-Vendor: Spec\n', 'The Vendor'],
    ['Specification-Vendor: Spec\n', 'Spec'],
    ['Manifest-Version: 1.0\n', undefined],
  ])('%j', (text, group) => expect(manifestGroupId(parseManifest(text))).toBe(group));
});

describe('identifyArchive', () => {
  const gav = (groupId: string, artifactId: string, version: string) => ({ groupId, artifactId, version });
  const manifest = (text: string) => parseManifest(text);

  it('picks the pom.properties matching the file name among embedded ones', () => {
    const poms = [gav('com.google.guava', 'guava', '29.0-jre'), gav('org.apache.hadoop.thirdparty', 'hadoop-shaded-guava', '1.1.0-SNAPSHOT')];
    expect(identifyArchive('hadoop-shaded-guava-1.1.0-SNAPSHOT.jar', poms, undefined)).toEqual({ pomIndex: 1, coordinates: poms[1], source: 'pom.properties' });
  });

  it('matches unversioned and Debian-style names loosely', () => {
    expect(identifyArchive('commons-io.jar', [gav('commons-io', 'commons-io', '2.11.0'), gav('x', 'y', '1')], undefined)?.pomIndex).toBe(0);
    expect(identifyArchive('geronimo-annotation-1.3-spec.jar', [gav('org.apache.geronimo.specs', 'geronimo-annotation_1.3_spec', '1.3')], undefined)?.pomIndex).toBe(0);
    expect(identifyArchive('plexus-component-annotations-1.5.jar', [gav('org.codehaus.plexus', 'plexus-component-annotations', '2.1.1')], undefined)?.pomIndex).toBe(0);
  });

  it('takes a single pom.properties unless the file name or the manifest names another version', () => {
    const poms = [gav('test', 'nested', '0.0.1')];
    expect(identifyArchive('nested.jar', poms, undefined)?.pomIndex).toBe(0);
    expect(identifyArchive('other-2.0.jar', poms, undefined)).toEqual({ coordinates: gav('other', 'other', '2.0'), source: 'file name' });
    // Debian's guice.jar shades cglib and carries cglib's pom.properties only.
    const guice = manifest('Bundle-SymbolicName: com.google.inject\nBundle-Name: guice\nBundle-Version: 4.2.3\n');
    expect(identifyArchive('guice.jar', [gav('cglib', 'cglib', '3.2.12')], guice)).toEqual({ coordinates: gav('com.google', 'guice', '4.2.3'), source: 'manifest' });
  });

  it('takes the pom.properties the manifest version repeats', () => {
    const poms = [gav('org.apache.maven', 'maven-slf4j-provider', '3.8.7'), gav('org.slf4j', 'slf4j-simple', '1.7.32')];
    const m = manifest('Implementation-Title: Maven SLF4J Simple Provider\nImplementation-Version: 3.8.7\n');
    expect(identifyArchive('maven3-slf4j-provider.jar', poms, m)?.pomIndex).toBe(0);
  });

  it('falls back to the manifest (trivy offline), then to the file name with syft\'s groupId', () => {
    const spring = manifest('Implementation-Title: Spring Framework\nImplementation-Version: 2.5.6.SEC03\nBundle-SymbolicName: org.springframework.core\n');
    expect(identifyArchive('test.jar', [], spring)).toEqual({ coordinates: gav('org.springframework', 'Spring Framework', '2.5.6.SEC03'), source: 'manifest' });
    expect(identifyArchive('heuristic-1.0.0-SNAPSHOT.jar', [], manifest('Manifest-Version: 1.0\n'))).toEqual({
      coordinates: gav('heuristic', 'heuristic', '1.0.0-SNAPSHOT'),
      source: 'file name',
    });
    expect(identifyArchive('lib-1.0.jar', [], manifest('Implementation-Vendor-Id: org.lib\n'))?.coordinates).toEqual(gav('org.lib', 'lib', '1.0'));
    expect(identifyArchive('app.jar', [], undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { ImageDescription } from '../core/model.js';
import { imageName, imagePurl, imageVersion } from './image-naming.js';

const M = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function image(extra: Partial<ImageDescription>): ImageDescription {
  return { reference: 'docker-archive:app.tar', transport: 'docker-archive', tags: [], layers: [], labels: {}, ...extra };
}

describe('imageName and imageVersion', () => {
  it('names the image by its first tag, else by the reference', () => {
    expect(imageName(image({ tags: ['app:1', 'app:latest'] }))).toBe('app:1');
    expect(imageName(image({}))).toBe('docker-archive:app.tar');
  });

  it('versions the image by manifest digest, else config digest', () => {
    expect(imageVersion(image({ manifestDigest: M, configDigest: 'sha256:c' }))).toBe(M);
    expect(imageVersion(image({ configDigest: 'sha256:c' }))).toBe('sha256:c');
    expect(imageVersion(image({}))).toBeUndefined();
  });
});

describe('imagePurl', () => {
  it('forms pkg:oci with the registry repository, tag and arch', () => {
    expect(imagePurl(image({ tags: ['registry.example:5000/Team/App:1.0'], manifestDigest: M, architecture: 'arm64' }))).toBe(
      `pkg:oci/app@${M}?arch=arm64&repository_url=registry.example%3A5000%2FTeam%2FApp&tag=1.0`,
    );
    expect(imagePurl(image({ tags: ['localhost/app'], manifestDigest: M }))).toBe(`pkg:oci/app@${M}?repository_url=localhost%2Fapp`);
  });

  it('stays registry-agnostic for short names (no default registry is guessed)', () => {
    expect(imagePurl(image({ tags: ['library/debian:12'], manifestDigest: M }))).toBe(`pkg:oci/debian@${M}?tag=12`);
    expect(imagePurl(image({ tags: ['alpine'], manifestDigest: M }))).toBe(`pkg:oci/alpine@${M}`);
  });

  it('drops a digest written in the reference and uses the reference of a registry source', () => {
    expect(imagePurl(image({ transport: 'registry', reference: `ghcr.example/o/img:v2@${M}`, manifestDigest: M }))).toBe(
      `pkg:oci/img@${M}?repository_url=ghcr.example%2Fo%2Fimg&tag=v2`,
    );
  });

  it('has no purl without a manifest digest or a name', () => {
    expect(imagePurl(image({ tags: ['app:1'], configDigest: M }))).toBeUndefined();
    expect(imagePurl(image({ manifestDigest: M }))).toBeUndefined();
    expect(imagePurl(image({ tags: ['registry.example/app/:1'], manifestDigest: M }))).toBeUndefined();
  });
});

import type { AnyExtractor } from '../extractor.js';
import { apkExtractor } from './os/apk/index.js';
import { dpkgExtractor, opkgExtractor } from './os/dpkg/index.js';
import { rpmExtractor } from './os/rpm/index.js';

/** Every extractor grout runs by default, in the order results are merged. */
export const defaultExtractors: readonly AnyExtractor[] = [dpkgExtractor, opkgExtractor, apkExtractor, rpmExtractor];

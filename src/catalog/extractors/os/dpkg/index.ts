/** Debian-style package databases: dpkg (Debian, Ubuntu, distroless) and opkg (OpenWrt, Yocto). */
export { dpkgExtractor } from './dpkg-extractor.js';
export { opkgExtractor } from './opkg-extractor.js';

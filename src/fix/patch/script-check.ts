/**
 * Which maintainer scripts grout may skip. A patch layer unpacks files and updates the dpkg database but runs no
 * code; that is sound when a package's preinst/postinst only calls ldconfig, activates triggers or exits. Anything
 * else is reported, with the first line that does more.
 */
import type { DebControl } from '../deb/index.js';

const HARMLESS: RegExp[] = [
  /^#/, // comments and the shebang
  /^set(\s+[-+][a-zA-Z]+|\s+-o\s+\w+)*$/,
  /^exit(\s+(0|\$\?))?;?$/,
  /^(\/sbin\/)?ldconfig(\s+-X)?;?$/,
  /^(dpkg-trigger|\/usr\/bin\/dpkg-trigger)(\s+--no-await)?\s+[\w./:+-]+;?$/,
  // The `if [ "$1" = "configure" ]; then … fi` and `case "$1" in configure) … ;; esac` wrappers debhelper writes.
  /^(if|elif)\s+\[\s+"\$1"\s+=\s+"[\w-]+"\s+\](\s*(\|\||&&)\s*\[\s+"\$1"\s+=\s+"[\w-]+"\s+\])*\s*;?\s*(then)?$/,
  /^(then|else|fi|esac|;;|:|true|\{|\})$/,
  /^case\s+"\$1"\s+in$/,
  /^[\w|*-]+\)(\s*;;)?$/,
];

/** Reasons a package's scripts need attention: empty when its preinst and postinst are harmless. */
export function scriptWarnings(control: Pick<DebControl, 'package' | 'version' | 'scripts'>): string[] {
  const warnings: string[] = [];
  for (const script of control.scripts) {
    if (script.name !== 'preinst' && script.name !== 'postinst') continue;
    const first = script.text
      .split('\n')
      .map((l) => l.trim())
      .find((line) => line !== '' && !HARMLESS.some((re) => re.test(line)));
    if (first !== undefined) {
      warnings.push(`${control.package} ${control.version}: the ${script.name} script does more than ldconfig/triggers and was not run (first such line: ${JSON.stringify(first.slice(0, 120))})`);
    }
  }
  return warnings;
}

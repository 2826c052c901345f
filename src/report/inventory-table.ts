import type { ExecutableFacts, Inventory } from '../core/model.js';
import { textTable } from './text-table.js';
import { unownedExecutableFiles } from '../catalog/file-subsets.js';

export interface TableOptions {
  color?: boolean;
}

/** The human view of an inventory: one line per package, with its source package and the layer that brought it. */
export function encodeInventoryTable(inventory: Inventory, options: TableOptions = {}): string {
  const rows = inventory.packages.map((p) => [
    p.name,
    p.version,
    p.arch ?? '',
    p.ecosystem,
    p.source && (p.source.name !== p.name || (p.source.version && p.source.version !== p.version))
      ? `${p.source.name}${p.source.version && p.source.version !== p.version ? ` ${p.source.version}` : ''}`
      : '',
    String(p.locations[0]?.layer ?? ''),
  ]);
  const distro = inventory.distro ? `${inventory.distro.prettyName ?? `${inventory.distro.id} ${inventory.distro.versionId ?? ''}`.trim()}` : 'unknown distro';
  const summary = `${inventory.packages.length} packages · ${distro} · ${inventory.image.layers.length} layers`;
  const issues = inventory.issues.length > 0 ? `${inventory.issues.length} issues (see -f json)\n` : '';
  const unowned = unownedExecutableFiles(inventory).filter((f) => f.executable);
  const unownedTable =
    unowned.length === 0
      ? ''
      : `\n${unowned.length} executables and libraries no package owns:\n${textTable(
          ['PATH', 'KIND', 'SIZE', 'LAYER', 'SHA256'],
          unowned.map((f) => [f.path, executableKind(f.executable!), String(f.size), String(f.layer), f.sha256 ?? '']),
          { bold: options.color ?? false },
        )}`;
  return `${textTable(['NAME', 'VERSION', 'ARCH', 'TYPE', 'SOURCE', 'LAYER'], rows, { bold: options.color ?? false })}${summary}\n${issues}${unownedTable}`;
}

function executableKind(facts: ExecutableFacts): string {
  if (facts.format === 'script') return `script${facts.shebang ? ` (${facts.shebang})` : ''}`;
  const type = facts.elfType === 'shared-library' ? 'ELF library' : facts.elfType === 'executable' ? 'ELF executable' : `ELF ${facts.elfType ?? ''}`.trim();
  return facts.elfType === 'executable' && !facts.interpreter ? `${type} (static)` : type;
}

import type { ExecutableFacts, FileRecord } from '../../core/model.js';
import { factLayerIndex } from './package-build.js';
import { factValue, type RawComponent } from './raw-document.js';

/**
 * An executable no package owns, as grout writes it (a `file` component with `grout:file:owned: false`); other
 * file components (Syft's file catalog, Trivy's) say nothing grout needs and are left out. The file mode is not
 * in the SBOM: 0.
 */
export function decodeUnownedFile(c: RawComponent): FileRecord | undefined {
  const fact = (name: string): string | undefined => factValue(c.facts, name);
  if (fact('grout:file:owned') !== 'false' || c.name === undefined) return undefined;
  const path = c.name.replace(/^\/+/, '');
  if (path.length === 0) return undefined;
  const sizeText = fact('grout:file:size');
  const size = sizeText !== undefined && /^\d{1,15}$/.test(sizeText) ? Number(sizeText) : 0;
  const file: FileRecord = { path, layer: factLayerIndex(c) ?? 0, size, mode: 0, type: 'file', owners: [] };
  if (c.sha256 !== undefined) file.sha256 = c.sha256;
  const format = fact('grout:file:format');
  if (format === 'elf' || format === 'script') {
    const executable: ExecutableFacts = { format };
    const elfType = fact('grout:file:elfType');
    if (elfType === 'executable' || elfType === 'shared-library' || elfType === 'relocatable' || elfType === 'core' || elfType === 'other') {
      executable.elfType = elfType;
    }
    const machine = fact('grout:file:machine');
    if (machine !== undefined) executable.machine = machine;
    const interpreter = fact('grout:file:interpreter');
    if (interpreter !== undefined) executable[format === 'elf' ? 'interpreter' : 'shebang'] = interpreter;
    file.executable = executable;
  }
  return file;
}

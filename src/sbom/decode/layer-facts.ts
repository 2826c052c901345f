import type { LayerRef, PackageLocation } from '../../core/model.js';
import type { Fact } from './raw-document.js';

/**
 * grout writes one group of facts per location, in order: `grout:package:evidence`, `grout:layer:index`,
 * `grout:layer:diffId`, `grout:layer:createdBy` (see package-facts.ts); an unowned file has the layer facts alone.
 * These read the groups back.
 */
export interface LayerGroup {
  evidence?: string;
  layer?: LayerRef;
}

/** Largest layer index believed; real images have < 128 layers, and an index is only a position. */
const MAX_LAYER_INDEX = 10_000;

export function groutLayerGroups(facts: readonly Fact[]): LayerGroup[] {
  const groups: LayerGroup[] = [];
  let current: LayerGroup | undefined;
  for (const { name, value } of facts) {
    switch (name) {
      case 'grout:package:evidence':
        current = { evidence: value };
        groups.push(current);
        break;
      case 'grout:layer:index': {
        const index = layerIndex(value);
        if (index === undefined) break;
        if (current === undefined || current.layer !== undefined) {
          current = {};
          groups.push(current);
        }
        current.layer = { index, diffId: '' };
        break;
      }
      case 'grout:layer:diffId':
        if (current?.layer) current.layer.diffId = value;
        break;
      case 'grout:layer:createdBy':
        if (current?.layer) current.layer.createdBy = value;
        break;
      default:
        break;
    }
  }
  return groups;
}

export function layerIndex(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_LAYER_INDEX ? n : undefined;
}

/** The package locations grout's facts name: evidence path and layer index, both present. */
export function groutLocations(facts: readonly Fact[]): PackageLocation[] {
  const out: PackageLocation[] = [];
  for (const group of groutLayerGroups(facts)) {
    if (group.evidence !== undefined && group.layer !== undefined) out.push({ path: group.evidence, layer: group.layer.index });
  }
  return out;
}

/**
 * Layers known to the document, by index: from grout's facts on every component, or from the ordered diffIds a
 * tool lists for the image (Trivy's `aquasecurity:trivy:DiffID`). The first description of an index wins.
 */
export class LayerTable {
  private readonly byIndex = new Map<number, LayerRef>();
  private readonly byDiffId = new Map<string, number>();

  add(layer: LayerRef): void {
    if (this.byIndex.has(layer.index)) {
      const known = this.byIndex.get(layer.index)!;
      if (known.diffId === '' && layer.diffId !== '') known.diffId = layer.diffId;
      if (known.createdBy === undefined && layer.createdBy !== undefined) known.createdBy = layer.createdBy;
    } else {
      this.byIndex.set(layer.index, { ...layer });
    }
    if (layer.diffId !== '' && !this.byDiffId.has(layer.diffId)) this.byDiffId.set(layer.diffId, layer.index);
  }

  indexOf(diffId: string): number | undefined {
    return this.byDiffId.get(diffId);
  }

  /** Sorted by index; a layer whose diffId was never written is left out (a location may still name its index). */
  layers(): LayerRef[] {
    return [...this.byIndex.values()].filter((l) => l.diffId !== '').sort((a, b) => a.index - b.index);
  }
}

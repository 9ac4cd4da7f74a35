// A run's config against a reference run's: only the keys whose values differ, in the config's
// own key order (keys only one of them has, from an older stored run, count as changed).
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../ldae/config';

export interface ConfigChange {
  key: string;
  /** The reference run's value (undefined: it has no such key). */
  reference: unknown;
  value: unknown;
}

const KEY_ORDER = Object.keys(DEFAULT_CONFIG);

export function configDiff(reference: ExperimentConfig, config: ExperimentConfig): ConfigChange[] {
  const ref = reference as unknown as Record<string, unknown>;
  const cfg = config as unknown as Record<string, unknown>;
  const keys = [...new Set([...KEY_ORDER, ...Object.keys(ref), ...Object.keys(cfg)])];
  return keys.filter((k) => !Object.is(ref[k], cfg[k])).map((k) => ({ key: k, reference: ref[k], value: cfg[k] }));
}

const shown = (v: unknown): string => (v === undefined ? '(none)' : String(v));

/** "lr: 0.001 → 0.002" */
export function formatChange(c: ConfigChange): string {
  return `${c.key}: ${shown(c.reference)} → ${shown(c.value)}`;
}

// The experiment config being edited (the draft) and its mirror in the page URL. A run keeps
// its own copy (runStore.runConfig): editing the draft never changes a running experiment.
import { create } from 'zustand';
import { configProblems, configToSearchParams, DEFAULT_CONFIG, type ExperimentConfig } from '../../ldae/config';
import { validConfigWarnings } from '../../ldae/configWarnings';
import { applyPreset, getPreset, type PresetId } from '../../ldae/presets';
import { loadedShape } from './engineStore';

export interface ConfigState {
  config: ExperimentConfig;
  /** The preset chosen last, shown with its one-line description until a knob is changed. */
  chosenPreset: PresetId | null;
  setConfig: (patch: Partial<ExperimentConfig>) => void;
  choosePreset: (id: PresetId) => void;
}

export const useConfigStore = create<ConfigState>()((set) => ({
  config: DEFAULT_CONFIG,
  chosenPreset: null,
  setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
  choosePreset: (id) => set((s) => ({ config: applyPreset(s.config, getPreset(id).id), chosenPreset: id })),
}));

/** configProblems against the loaded dataset's image shape (when it is cfg.dataset). */
export function currentProblems(cfg: ExperimentConfig) {
  return configProblems(cfg, loadedShape(cfg.dataset));
}

const byField = (items: readonly { field: string; message: string }[]): Map<string, string[]> => {
  const map = new Map<string, string[]>();
  for (const { field, message } of items) map.set(field, [...(map.get(field) ?? []), message]);
  return map;
};

/**
 * A config's problems (they block Start) and, when it has none, its legal but risky settings
 * (said under the knob), each keyed by field (a field may have several).
 */
export function messagesByField(cfg: ExperimentConfig): { problems: Map<string, string[]>; warnings: Map<string, string[]> } {
  const problems = currentProblems(cfg);
  const warnings = problems.length > 0 ? [] : validConfigWarnings(cfg, loadedShape(cfg.dataset));
  return { problems: byField(problems), warnings: byField(warnings) };
}

/** Keys whose values differ between two configs. */
export function changedKeys(a: ExperimentConfig, b: ExperimentConfig): (keyof ExperimentConfig)[] {
  return (Object.keys(a) as (keyof ExperimentConfig)[]).filter((k) => a[k] !== b[k]);
}

/** Mirrors the draft config into the URL (only fields that differ from the defaults). */
export function syncConfigToUrl(): () => void {
  const write = (cfg: ExperimentConfig) => {
    const params = configToSearchParams(cfg);
    // ?threads= is the page's, not the config's: keep it across config edits.
    const threads = new URLSearchParams(window.location.search).get('threads');
    if (threads !== null) params.set('threads', threads);
    const query = params.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(null, '', url);
  };
  return useConfigStore.subscribe((s, prev) => {
    if (s.config !== prev.config) write(s.config);
  });
}

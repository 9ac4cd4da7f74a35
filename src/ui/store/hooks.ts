// Small selectors shared by panels.
import type { ExperimentConfig } from '../../ldae/config';
import { messagesByField, useConfigStore } from './configStore';
import { useEngineStore } from './engineStore';
import { hasSession, useRunStore } from './runStore';

/** The draft value of a knob, whether it differs from the running experiment, and its problems. */
export function useKnob<K extends keyof ExperimentConfig>(field: K) {
  const value = useConfigStore((s) => s.config[field]);
  const config = useConfigStore((s) => s.config);
  const runValue = useRunStore((s) => (s.runConfig ? s.runConfig[field] : undefined));
  const live = useRunStore((s) => hasSession(s) && s.state !== 'done');
  useEngineStore((s) => s.dataset.meta); // the shape checks depend on the loaded dataset: re-render when it changes
  const messages = messagesByField(config);
  const problems = messages.problems.get(field) ?? [];
  const warnings = messages.warnings.get(field) ?? [];
  return { value, changed: live && runValue !== undefined && runValue !== value, problems, warnings };
}

export function setKnob<K extends keyof ExperimentConfig>(field: K, value: ExperimentConfig[K]): void {
  useConfigStore.getState().setConfig({ [field]: value } as Partial<ExperimentConfig>);
}

// The link `Copy link` copies: the config (fields that differ from the defaults, as the address
// bar has them) and the preset it matches; and how a page opened from such a link reads it.
import { configToSearchParams, type ExperimentConfig } from '../../ldae/config';
import { ALL_PRESET_IDS, matchingPreset, type PresetId } from '../../ldae/presets';

export function shareQuery(cfg: ExperimentConfig): string {
  const params = configToSearchParams(cfg);
  const preset = matchingPreset(cfg);
  if (preset) params.set('preset', preset);
  return params.toString();
}

export function shareLink(cfg: ExperimentConfig, location: { origin: string; pathname: string }): string {
  const query = shareQuery(cfg);
  return `${location.origin}${location.pathname}${query ? `?${query}` : ''}`;
}

const isPresetId = (v: string): v is PresetId => (ALL_PRESET_IDS as readonly string[]).includes(v);

/** ?preset=ID: the preset a shared link was made with (applied before the link's config keys). */
export function presetFromParams(params: URLSearchParams): { preset: PresetId | null; problem: string | null } {
  const raw = params.get('preset');
  if (raw === null) return { preset: null, problem: null };
  if (isPresetId(raw)) return { preset: raw, problem: null };
  return { preset: null, problem: `preset: unknown preset "${raw}" (ignored); presets: ${ALL_PRESET_IDS.join(', ')}` };
}

/**
 * The page was opened from a shared link: `Copy link` (?preset=) or a classroom link (?hide=).
 * Config keys alone do not count: the page writes them into its own address bar, so a reload has them too.
 */
export function openedFromSharedLink(params: URLSearchParams): boolean {
  return params.has('preset') || params.has('hide');
}

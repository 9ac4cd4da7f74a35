// Phones: below PHONE_MAX_PX the page starts with a smaller model (unless the link sets one) and
// keeps the settings in a drawer.
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../ldae/config';

export const PHONE_MAX_PX = 600;
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_PX}px)`;

/** The config a page starts from before the URL is applied. */
export function startingConfig(phone: boolean): ExperimentConfig {
  return phone ? { ...DEFAULT_CONFIG, modelSize: 'micro' } : DEFAULT_CONFIG;
}

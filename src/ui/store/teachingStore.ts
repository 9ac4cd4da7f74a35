// Teaching state: the controls a classroom link hides, whether the page is in classroom mode, and
// the guided tour's open step (null when closed).
import { create } from 'zustand';
import type { ExperimentConfig } from '../../ldae/config';

export interface TeachingState {
  classroom: boolean;
  hidden: (keyof ExperimentConfig)[];
  /** The open tour step, 0-based, or null when the tour is closed. */
  tourIndex: number | null;
  /** Settings drawer on small screens. */
  drawerOpen: boolean;
}

export const useTeachingStore = create<TeachingState>()(() => ({ classroom: false, hidden: [], tourIndex: null, drawerOpen: false }));

export const useHidden = (field: keyof ExperimentConfig | undefined): boolean => useTeachingStore((s) => field !== undefined && s.hidden.includes(field));

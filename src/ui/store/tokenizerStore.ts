// The latest tokenizer summary (from a preview or from the run's fitted tokenizer).
import { create } from 'zustand';
import type { TokenizerSummary } from '../../types/run';

export interface TokenizerState {
  summary: TokenizerSummary | null;
  /** The tokenizer key (config fields) of the summary shown and of the preview asked for last. */
  summaryKey: string | null;
  pendingKey: string | null;
}

export const useTokenizerStore = create<TokenizerState>()(() => ({ summary: null, summaryKey: null, pendingKey: null }));

// The page's live tokenizer preview (debounced, one at a time) never sends a wish that was made
// for another dataset than the one now loaded or loading.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/ldae/config';
import type { EngineCommand } from '../../src/engine/protocol';
import type { DatasetMeta } from '../../src/types/data';
import { emptyDataset, useEngineStore } from '../../src/ui/store/engineStore';
import { previewSettled, requestTokenizerPreview } from '../../src/ui/store/actions';
import { useTokenizerStore } from '../../src/ui/store/tokenizerStore';

const FASHION: DatasetMeta = {
  id: 'fashion-mnist',
  name: 'Fashion-MNIST',
  height: 28,
  width: 28,
  channels: 1,
  classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`),
  trainCount: 60000,
  testCount: 10000,
  transferBytes: 0,
  decodeMs: 0,
};
let sent: EngineCommand[] = [];
const previews = () => sent.filter((c) => c.type === 'previewTokenizer');

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  useEngineStore.setState({
    send: (c: EngineCommand) => void sent.push(c),
    backend: { backend: 'wasm' } as never,
    crashed: null,
    dataset: { ...emptyDataset('fashion-mnist'), meta: FASHION, progress: null },
  });
});

afterEach(() => {
  // settle whatever is in flight so the next test starts clean
  previewSettled();
  vi.runAllTimers();
  vi.useRealTimers();
});

describe('tokenizer preview', () => {
  it('sends the wish after the debounce while its dataset is loaded', () => {
    requestTokenizerPreview({ ...DEFAULT_CONFIG, dataset: 'fashion-mnist' });
    expect(previews()).toHaveLength(0);
    vi.advanceTimersByTime(300);
    expect(previews()).toHaveLength(1);
    expect(useTokenizerStore.getState().pendingKey).not.toBeNull();
  });

  it('drops a wish whose dataset was swapped before the debounce ran out (no engine error from the old config)', () => {
    requestTokenizerPreview({ ...DEFAULT_CONFIG, dataset: 'fashion-mnist' });
    useEngineStore.getState().selectDataset('mnist');
    vi.advanceTimersByTime(300);
    expect(sent.map((c) => c.type)).toEqual(['loadDataset']);
    expect(useTokenizerStore.getState().pendingKey).toBeNull();
  });

  it('drops a wish queued behind an in-flight preview when the dataset changes meanwhile', () => {
    requestTokenizerPreview({ ...DEFAULT_CONFIG, dataset: 'fashion-mnist' });
    vi.advanceTimersByTime(300);
    requestTokenizerPreview({ ...DEFAULT_CONFIG, dataset: 'fashion-mnist', latentDim: 8 });
    vi.advanceTimersByTime(300); // waits for the first answer
    expect(previews()).toHaveLength(1);
    useEngineStore.getState().selectDataset('mnist');
    previewSettled(); // the first answer arrives after the switch
    expect(previews()).toHaveLength(1);
    expect(useTokenizerStore.getState().pendingKey).toBeNull();
  });
});

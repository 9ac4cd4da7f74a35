// Shared by the trainer tests: a trainer on the first images of a dataset, built as the session
// builds one (tokenizer fitted, model around it), and one call that disposes all of it.
import type { LoadedDataset } from '../../src/types/data';
import { buildModel, obtainTokenizer } from '../../src/ldae/build';
import type { ExperimentConfig } from '../../src/ldae/config';
import { splitImages } from '../../src/ldae/deviceData';
import { Trainer } from '../../src/ldae/trainer';

export async function makeTrainer(data: LoadedDataset, cfg: ExperimentConfig, images: number) {
  const train = splitImages(data.train, data.meta, images);
  const { tokenizer } = await obtainTokenizer(cfg, train, null);
  const model = await buildModel(cfg, tokenizer, train);
  const trainer = new Trainer(model, train);
  return {
    trainer,
    model,
    dispose: () => {
      trainer.dispose();
      model.dispose();
      train.dispose();
    },
  };
}

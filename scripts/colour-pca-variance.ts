// Explained variance of patch-wise PCA on colour patches, for the colour defaults (README,
// "Colour and image size"). The images are SYNTHETIC (src/data/syntheticColour.ts: smooth colour
// fields plus solid shapes), because no real colour dataset may be downloaded on the build machine.
//   npx tsx scripts/colour-pca-variance.ts [images=2000] [samples=20000]
import { syntheticColourSplit } from '../src/data/syntheticColour';
import { DEFAULT_CONFIG } from '../src/ldae/config';
import { splitImages } from '../src/ldae/deviceData';
import { explainedVarianceCurve } from '../src/ldae/patchPca';
import { fitDataPca } from '../src/ldae/tokenizers/pca';
import { setupNodeBackend } from '../src/node/backend';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const samples = Number(process.argv[3] ?? 20000);
  await setupNodeBackend('wasm');
  const shape = { height: 32, width: 32, channels: 3 };
  const images = splitImages(syntheticColourSplit(count, 32, 1), shape);
  console.log(`synthetic 32x32x3, ${count} images, ${samples} patches, seed ${DEFAULT_CONFIG.seed}`);
  for (const P of [2, 4, 8, 16]) {
    const pca = await fitDataPca({ patchSize: P, tokenizerSamples: samples, seed: DEFAULT_CONFIG.seed }, images);
    const curve = explainedVarianceCurve(pca.eigenvalues);
    const D = pca.patchDim;
    const at = [4, 8, 12, 16, 24, 32, 48, 64].filter((d) => d < D).map((d) => `d=${d}: ${(curve[d - 1] * 100).toFixed(1)}%`);
    console.log(`P=${P} (${(32 / P) ** 2} tokens, D=${D}): ${at.join(', ')}`);
  }
  images.dispose();
}

void main();

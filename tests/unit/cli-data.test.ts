import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { cifarBatch, fakeCifarFiles, pngBytes, solid, tarGz, texturedPng, writeImageFolder } from '../fixtures/importFixtures';

// Fixtures written by the test into a temporary folder; micro model, 2 steps, small probe sets.
const root = fs.mkdtempSync(path.join(tmpdir(), 'ldae-cli-data-'));
const env = { ...process.env, LDAE_BASELINE_CACHE_DIR: path.join(root, 'baselines'), LDAE_TOKENIZER_CACHE_DIR: path.join(root, 'tokenizers') };
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const at = (p: string) => path.join(root, p);

const pets = at('pets');
writeImageFolder(fs, pets, 20);
fs.writeFileSync(path.join(pets, 'readme.txt'), 'not an image');
fs.writeFileSync(path.join(pets, 'dogs', 'broken.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]));
fs.writeFileSync(at('cifar-10-binary.tar.gz'), tarGz(fakeCifarFiles()));

const TINY = ['--steps', '2', '--size', 'micro', '--backend', 'wasm', '--set', 'metricsEvery=1', '--set', 'tokenizerSamples=500', '--set', 'batchSize=8', '--set', 'probeTrainSize=60', '--set', 'probeTestSize=30', '--set', 'probeSteps=20'];

function cli(args: string[]) {
  return spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000, env });
}

function runOk(args: string[]) {
  const r = cli(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
}

/** Exit 2 and one line on stderr, which must match `message`. */
function expectBad(args: string[], message: RegExp, extra = ['--steps', '1']) {
  const r = cli([...args, ...extra]);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.status).toBe(2);
}

describe('experiment CLI --data', () => {
  it('an image folder: a dataset line, colour defaults (patch 8, d 16), the summary dataset block with the skipped files', () => {
    const lines = runOk(['--data', pets, ...TINY]);
    const block = { name: 'pets', classes: 3, channels: 3, height: 32, width: 32, train: 50, test: 10, skipped: 2 };
    expect(lines[0]).toMatchObject({ type: 'dataset', ...block, class_names: ['cats', 'dogs', 'owls'] });
    expect(lines[0].skipped_files.join('\n')).toMatch(/dogs\/broken\.png \(corrupt or unreadable image/);
    const summary = lines.at(-1)!;
    expect(summary.type).toBe('summary');
    expect(summary.dataset).toEqual(block);
    expect(summary.config).toMatchObject({ patchSize: 8, latentDim: 16, modelSize: 'micro' });
    expect(summary.config.dataset).toMatch(/^import:pets-[0-9a-f]{8}$/);
    expect(summary.tokenizer).toMatchObject({ latent_dim: 16, patch_dim: 192 });
    expect(summary.probe.step).toBe(2);
    // Three far-apart class colours: raw pixels separate them.
    expect(summary.baselines.raw_pixel.linear_test_acc).toBeGreaterThan(0.9);
  });

  it('the user keeps a patch size that fits; a zip, --image-size 28 --channels 1 gives grey 28 x 28 and its defaults', () => {
    const kept = runOk(['--data', pets, '--set', 'patchSize=4', ...TINY]).at(-1)!;
    expect(kept.config).toMatchObject({ patchSize: 4, latentDim: 16 });
    const files: Record<string, Uint8Array> = {};
    for (const c of ['cats', 'dogs']) for (let i = 0; i < 6; i++) files[`zipped/${c}/${i}.png`] = texturedPng(40, c === 'cats' ? [200, 40, 40] : [40, 180, 60], i + (c === 'cats' ? 0 : 50));
    fs.writeFileSync(at('zipped.zip'), zipSync(files));
    const lines = runOk(['--data', at('zipped.zip'), '--image-size', '28', '--channels', '1', ...TINY]);
    expect(lines.at(-1)!.dataset).toEqual({ name: 'zipped', classes: 2, channels: 1, height: 28, width: 28, train: 10, test: 2, skipped: 0 });
    expect(lines.at(-1)!.config).toMatchObject({ patchSize: 7, latentDim: 8 });
    expect(lines[0].warnings.join('\n')).toContain('12 of 12 images were not 28x28');
  });

  it('a CIFAR-10 binary archive and a folder of its .bin batches: official names, 32 x 32 x 3; the built-in datasets get the same block', () => {
    const fromArchive = runOk(['--data', at('cifar-10-binary.tar.gz'), ...TINY]).at(-1)!;
    const block = { name: 'CIFAR-10', classes: 10, channels: 3, height: 32, width: 32, train: 10, test: 3, skipped: 0 };
    expect(fromArchive.dataset).toEqual(block);
    fs.mkdirSync(at('cifar-10-batches-bin'));
    for (const [n, b] of Object.entries(fakeCifarFiles())) fs.writeFileSync(at(`cifar-10-batches-bin/${n}`), b);
    const fromFolder = runOk(['--data', at('cifar-10-batches-bin'), ...TINY]).at(-1)!;
    expect(fromFolder.dataset).toEqual(block);
    expect(fromFolder.config.dataset).toBe(fromArchive.config.dataset);
    const builtin = runOk(['--dataset', 'mnist', '--train-images', '256', ...TINY]).at(-1)!;
    expect(builtin.dataset).toEqual({ name: 'MNIST', classes: 10, channels: 1, height: 28, width: 28, train: 8000, test: 2000, skipped: 0 });
  });

  it('--probe-only on a checkpoint of an imported dataset needs the same --data', () => {
    const ck = at('pets.safetensors');
    runOk(['--data', pets, '--save-checkpoint', ck, ...TINY]);
    const probed = runOk(['--probe-only', ck, '--data', pets, '--backend', 'wasm', '--set', 'probeTestSize=20']).at(-1)!;
    expect(probed).toMatchObject({ mode: 'probe-only', dataset: { name: 'pets', train: 50, test: 10, skipped: 2 } });
    expectBad(['--probe-only', ck], /import:pets-[0-9a-f]{8} is an imported dataset: give its files with --data PATH/, []);
    expectBad(['--probe-only', ck, '--data', at('cifar-10-binary.tar.gz')], /was trained on import:pets-[0-9a-f]{8}; --data gives import:cifar-10-/, []);
  });

  it('bad input: exit 2 with one line naming the file or folder', () => {
    fs.mkdirSync(at('empty'));
    fs.mkdirSync(at('one/cats'), { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(at(`one/cats/${i}.png`), pngBytes(8, 8, solid([9, 9, 9])));
    fs.writeFileSync(at('flat.zip'), zipSync({ 'a.png': pngBytes(8, 8, solid([1, 1, 1])), 'b.png': pngBytes(8, 8, solid([2, 2, 2])) }));
    const gz = tarGz(fakeCifarFiles());
    fs.writeFileSync(at('cut.tar.gz'), gz.subarray(0, gz.length >> 1));
    fs.writeFileSync(at('cifar-10-python.tar.gz'), tarGz({ data_batch_1: new Uint8Array(9), test_batch: new Uint8Array(9) }, 'cifar-10-batches-py'));
    fs.writeFileSync(at('cifar-10-matlab.tar.gz'), tarGz({ 'data_batch_1.mat': new Uint8Array(9) }, 'cifar-10-batches-mat'));
    fs.writeFileSync(at('short.tar.gz'), tarGz({ ...fakeCifarFiles(), 'data_batch_4.bin': cifarBatch([1]).subarray(0, 3000) }));
    expectBad(['--data', at('missing')], /missing: no such file or folder/);
    expectBad(['--data', at('empty')], /empty: the folder is empty/);
    expectBad(['--data', at('one')], /one: only one class folder \(cats\): the linear probe needs at least two classes/);
    expectBad(['--data', at('flat.zip')], /flat\.zip: no class folders/);
    expectBad(['--data', at('cut.tar.gz')], /cut\.tar\.gz: not a readable gzip file .*truncated/);
    expectBad(['--data', at('cifar-10-python.tar.gz')], /cifar-10-python\.tar\.gz: .*python version.*use cifar-10-binary\.tar\.gz/);
    expectBad(['--data', at('cifar-10-matlab.tar.gz')], /matlab version.*use cifar-10-binary\.tar\.gz/);
    expectBad(['--data', at('short.tar.gz')], /data_batch_4\.bin has 3,000 bytes/);
    expectBad(['--data', path.join(pets, 'readme.txt')], /readme\.txt: not an image folder, \.zip, CIFAR-10 archive/);
    expectBad(['--data', pets, '--image-size', '64'], /--image-size must be 28 or 32, got "64"/);
    expectBad(['--data', pets, '--dataset', 'mnist'], /--data and --dataset/);
    expectBad(['--data', pets, '--set', 'patchSize=7'], /pets: patchSize must divide the image side 32/);
    expectBad(['--dataset', 'import:pets-0123abcd'], /import:pets-0123abcd is an imported dataset: give its files with --data PATH/);
  });
});

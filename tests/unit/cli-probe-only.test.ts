import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/ldae/checkpoint/safetensors';

const dir = mkdtempSync(path.join(tmpdir(), 'ldae-probe-only-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  ...process.env,
  LDAE_TOKENIZER_CACHE_DIR: path.join(dir, 'tokenizers'),
  LDAE_BASELINE_CACHE_DIR: path.join(dir, 'baselines'),
  LDAE_SWEEP_CACHE_DIR: path.join(dir, 'sweeps'),
};
const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000, env });
const jsonLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
const ok = (args: string[]) => {
  const r = cli(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return jsonLines(r.stdout);
};

const checkpoint = path.join(dir, 'ck', 'run.safetensors');
// warmupSteps=1 so that 6 steps really move the weights away from the init.
const PROBE = ['--set', 'probeTrainSize=300', '--set', 'probeTestSize=150'];
const TRAIN = ['--steps', '6', '--size', 'micro', '--train-images', '512', '--set', 'batchSize=16', '--set', 'warmupSteps=1', '--set', 'tokenizerSamples=500', ...PROBE];
let trained: Record<string, any>;

beforeAll(() => {
  trained = ok([...TRAIN, '--save-checkpoint', checkpoint]).at(-1)!;
}, 120_000);

describe('--save-checkpoint and --probe-only (micro)', () => {
  it('the training summary names the checkpoint; probe-only with the same settings reproduces the end-of-run probe', () => {
    expect(trained.type).toBe('summary');
    expect(trained.checkpoint).toMatchObject({ file: checkpoint, step: 6 });
    expect(trained.checkpoint.bytes).toBe(readFileSync(checkpoint).length);
    // The trained model probes differently from its init, so an unloaded checkpoint would show.
    const accs = (m: Record<string, number>) => [m.linear_test_acc, m.linear_train_acc, m.knn_test_acc];
    expect(accs(trained.probe)).not.toEqual(accs(trained.baselines.random_init));
    const lines = ok(['--probe-only', checkpoint, ...PROBE]);
    const s = lines.at(-1)!;
    expect(s).toMatchObject({ type: 'summary', mode: 'probe-only', checkpoint: { file: checkpoint, step: 6 }, steps: 6, train_images: 512, params: trained.params });
    expect(s.probe).toEqual({ ...trained.probe, seconds: s.probe.seconds });
    expect(s.probe_sets).toEqual(trained.probe_sets);
    expect(s.baselines.raw_pixel).toEqual({ ...trained.baselines.raw_pixel, from_cache: true, seconds: s.baselines.raw_pixel.seconds });
    expect(s.baselines.random_init).toEqual({ ...trained.baselines.random_init, from_cache: true, seconds: s.baselines.random_init.seconds });
    expect(lines.map((l) => l.type)).toEqual(['baselines', 'probe', 'summary']);
    expect(s.config).toEqual(trained.config);
    expect(lines.some((l) => l.type === 'metrics')).toBe(false);
  });

  it('a different probeTestSize probes the same model on another test set; the baselines are measured for it', () => {
    const s = ok(['--probe-only', checkpoint, '--set', 'probeTrainSize=300', '--set', 'probeTestSize=60']).at(-1)!;
    expect(s.probe_sets).toEqual({ train: 300, test: 60, t: 0.01 });
    expect(s.config.probeTestSize).toBe(60);
    expect(s.config.steps).toBe(6);
    expect(s.baselines.raw_pixel.from_cache).toBe(false);
    expect(s.probe.linear_test_acc * 60).toBeCloseTo(Math.round(s.probe.linear_test_acc * 60), 3); // a fraction of 60 images
    for (const k of ['linear_test_acc', 'linear_train_acc', 'knn_test_acc']) expect(s.probe[k] >= 0 && s.probe[k] <= 1).toBe(true);
    expect(s.checkpoint).toEqual({ file: checkpoint, step: 6 });
  });

  it('--sweep over probe fields of one checkpoint: a cell per value, cached', () => {
    const args = ['--probe-only', checkpoint, '--sweep', 'probeT=0.01,0.5', ...PROBE, '--out', path.join(dir, 'probeT.md')];
    const r = cli(args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cells = jsonLines(r.stdout).filter((l) => l.type === 'cell');
    expect(cells.map((c) => [c.probeT, c.from_cache, c.train_seconds])).toEqual([[0.01, false, null], [0.5, false, null]]);
    expect(cells[0].linear_test_acc).toBe(trained.probe.linear_test_acc);
    const md = readFileSync(path.join(dir, 'probeT.md'), 'utf8');
    expect(md).toMatch(/\| probeT \| linear test \| kNN test \|/);
    expect(md).toMatch(new RegExp(`checkpoint ${checkpoint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(step 6\\)`));
    const again = jsonLines(cli(args).stdout).filter((l) => l.type === 'cell');
    expect(again.map((c) => c.from_cache)).toEqual([true, true]);
  });

  it('bad checkpoints and training overrides exit 2 with one line each', () => {
    const bytes = readFileSync(checkpoint);
    const write = (name: string, b: Uint8Array) => {
      const f = path.join(dir, name);
      writeFileSync(f, b);
      return f;
    };
    const c = decodeSafetensors(new Uint8Array(bytes));
    const reencode = (patch: Partial<typeof c>) => encodeSafetensors({ ...c, ...patch });
    const cases: [string[], RegExp][] = [
      [['--probe-only', path.join(dir, 'nope.safetensors')], /checkpoint .*nope\.safetensors does not exist/],
      [['--probe-only', write('junk.bin', new TextEncoder().encode('hello, this is not a checkpoint at all'))], /junk\.bin: not a readable checkpoint: header length \d+ is implausible/],
      [['--probe-only', write('cut.safetensors', bytes.subarray(0, Math.floor(bytes.length / 2)))], /cut\.safetensors: not a readable checkpoint: file is truncated/],
      [['--probe-only', write('magic.safetensors', reencode({ metadata: { ...c.metadata, format: 'pytorch' } }))], /not an l-DAE checkpoint \(metadata format is "pytorch", expected "ldae-checkpoint"\)/],
      [['--probe-only', write('v2.safetensors', reencode({ metadata: { ...c.metadata, format_version: '2' } }))], /checkpoint format version 2 is not supported/],
      [['--probe-only', write('names.safetensors', reencode({ tensors: c.tensors.filter((t) => t.name !== 'vit/head/w') }))], /checkpoint weights do not match the model built from its config: missing vit\/head\/w/],
      [
        ['--probe-only', write('shape.safetensors', reencode({ metadata: { ...c.metadata, config: JSON.stringify({ ...JSON.parse(c.metadata.config), modelSize: 'tiny' }) } }))],
        /checkpoint weights do not match the model built from its config: .*vit\/embed\/w is \[\d+,\d+\], the model has \[\d+,\d+\]/,
      ],
      [['--probe-only', checkpoint, '--set', 'lr=0.01'], /--probe-only: --set lr is a training setting \(the checkpoint was trained with lr=0\.001\); only probe settings can differ: probeEvery, probeTrainSize, probeTestSize, probeT/],
      [['--probe-only', checkpoint, '--steps', '100'], /--probe-only: --set steps is a training setting/],
      [['--probe-only', checkpoint, '--preset', 'dit-baseline'], /--probe-only: --preset cannot be used/],
      [['--probe-only', checkpoint, '--sweep', 'lr=1e-3,2e-3'], /--probe-only: --sweep lr is a training setting/],
    ];
    for (const [argv, message] of cases) {
      const r = cli(argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^experiment: /);
      expect(r.stderr).toMatch(message);
    }
  }, 240_000);
});

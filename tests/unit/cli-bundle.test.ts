// Run bundles on the command line: --stop-at K ends a run as a pause would, --export writes the
// bundle, --resume goes on from it; the resumed run ends with exactly the loss of the run that was
// never interrupted (wasm). Bad bundles exit 2 with one line. And --sweep trajectory's table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/ldae/presets';

const dir = mkdtempSync(path.join(tmpdir(), 'ldae-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, LDAE_BASELINE_CACHE_DIR: path.join(dir, 'b'), LDAE_TOKENIZER_CACHE_DIR: path.join(dir, 't') };
const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 240_000, env });
const lines = (stdout: string) => stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
const SMALL = ['--size', 'micro', '--backend', 'wasm', '--train-images', '256', '--set', 'batchSize=8', '--set', 'tokenizerSamples=500',
  '--set', 'probeTrainSize=100', '--set', 'probeTestSize=50', '--set', 'metricsEvery=10'];
const RUN = ['--steps', '40', ...SMALL, '--set', 'emaDecay=0.9', '--set', 'augmentShift=2'];

/** The bundle with its manifest changed by `edit`. */
function editedBundle(file: string, edit: (m: Record<string, any>) => void, name: string): string {
  const files = unzipSync(readFileSync(file));
  const manifest = JSON.parse(strFromU8(files['manifest.json']));
  edit(manifest);
  const out = path.join(dir, name);
  writeFileSync(out, zipSync({ ...files, 'manifest.json': strToU8(JSON.stringify(manifest)) }));
  return out;
}

describe('run bundles (CLI)', () => {
  const bundle = path.join(dir, 'run.zip');

  it('--steps 40 straight and --stop-at 20 --export + --resume end with the same loss', () => {
    const straight = cli(RUN);
    expect(straight.status).toBe(0);
    const a = lines(straight.stdout).at(-1)!;

    const first = cli([...RUN, '--stop-at', '20', '--export', bundle]);
    expect(first.status).toBe(0);
    const b = lines(first.stdout).at(-1)!;
    expect(b).toMatchObject({ type: 'summary', steps: 20, stopped: 'stop-at', export: { file: bundle, step: 20, state: 'paused' } });
    expect(b.probe).toBeUndefined(); // as a pause: no end-of-run evaluation
    const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(bundle))['manifest.json']));
    expect(manifest).toMatchObject({ format: 'ldae-run-bundle', format_version: 1, state: 'paused', step: 20, trainImages: 256, config: { steps: 40, emaDecay: 0.9 } });
    expect(manifest.metrics.map((m: { step: number }) => m.step)).toEqual([10, 20]);

    const again = path.join(dir, 'run-40.zip');
    const resumed = cli(['--resume', bundle, '--backend', 'wasm', '--export', again]);
    expect(resumed.status).toBe(0);
    const c = lines(resumed.stdout).at(-1)!;
    expect(c).toMatchObject({ type: 'summary', steps: 40, resumed_from: { file: bundle, step: 20 }, export: { step: 40, state: 'done' } });
    expect(c.final_loss).toBe(a.final_loss);
    expect(c.probe.linear_test_acc).toBe(a.probe.linear_test_acc);
    const done = JSON.parse(strFromU8(unzipSync(readFileSync(again))['manifest.json']));
    expect(done.metrics.map((m: { step: number }) => m.step)).toEqual([10, 20, 30, 40]);
    expect(done.probes.at(-1)).toMatchObject({ step: 40 });
  }, 300_000);

  it('bad bundles and flags exit 2 with one line, naming the problem', () => {
    const garbage = path.join(dir, 'garbage.zip');
    writeFileSync(garbage, 'not a zip at all');
    const cases: [string[], RegExp][] = [
      [['--resume', garbage], /garbage\.zip: not a run bundle: not a readable zip file/],
      [['--resume', path.join(dir, 'missing.zip')], /run bundle .*missing\.zip does not exist/],
      [['--resume', editedBundle(bundle, (m) => (m.format_version = 2), 'newer.zip')], /format version 2 is newer than this playground reads \(1\)/],
      [['--resume', editedBundle(bundle, (m) => (m.format = 'something-else'), 'other.zip')], /not an l-DAE run bundle/],
      [['--resume', editedBundle(bundle, (m) => (m.config.lr = 1e4), 'badcfg.zip')], /bundle config is invalid: .*lr/],
      [['--resume', editedBundle(bundle, (m) => (m.config.modelSize = 'tiny'), 'shape.zip')], /saved training state does not fit the model built from its config: .*is \[/],
      [['--resume', bundle, '--set', 'lr=1e-3'], /--resume: lr \(--set or its flag\) cannot be given/],
      [['--resume', bundle, '--stop-at', '10'], /--stop-at 10: the bundle is already at step 20/],
      [[...RUN, '--stop-at', '50'], /--stop-at 50 is past the run's 40 steps/],
      [[...RUN, '--stop-at', '5', '--sweep', 'lr=1e-3,2e-3'], /--stop-at works with a single training run/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    }
  }, 300_000);

  it('--sweep trajectory --steps 5: seven rows beside the paper, written to --out', () => {
    const out = path.join(dir, 'trajectory.md');
    const r = cli(['--sweep', 'trajectory', '--steps', '5', ...SMALL, '--set', 'metricsEvery=5', '--out', out]);
    expect(r.status).toBe(0);
    const cells = lines(r.stdout).filter((l) => l.type === 'cell');
    expect(cells.map((c) => c.preset)).toEqual(PRESETS.filter((p) => p.paperAcc !== null).map((p) => p.id));
    expect(cells.every((c) => c.linear_test_acc > 0.1 && c.linear_test_acc <= 1)).toBe(true);
    expect(cells.map((c) => c.paper)).toEqual([59.0, 65.1, 62.4, 63.6, 63.6, 63.9, 64.5]);
    expect(cells[1].paper_change).toBeCloseTo(6.1, 6);
    const table = readFileSync(out, 'utf8');
    expect(table.split('\n').filter((l) => /^\| \d /.test(l))).toHaveLength(7);
    expect(table).toMatch(/\| 7 \| l-DAE \| \d+\.\d \| [+-]\d+\.\d \| 64\.5 \| \+0\.6 \|/);
    expect(r.stdout).toContain(table.trim().split('\n')[0]);
  }, 300_000);
});

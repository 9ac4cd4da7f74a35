import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CliError, parseArgs } from '../../src/cli/args';

describe('experiment CLI arguments', () => {
  it('applies the preset, then flags and --set in order', () => {
    const o = parseArgs(['--preset', 'dit-baseline', '--steps', '300', '--backend', 'cpu', '--seed', '3', '--set', 'lr=0.002', '--size=micro', '--set', 'sigmaMax=sqrt2']);
    expect(o.preset).toBe('dit-baseline');
    expect(o.backend).toBe('cpu');
    expect(o.config).toMatchObject({ steps: 300, seed: 3, lr: 0.002, modelSize: 'micro', target: 'eps', schedule: 'vp-ddpm-linear', backend: 'cpu' });
    expect(parseArgs([]).config.target).toBe('x0');
  });

  it('--probe-every sets probeEvery, as --set probeEvery does; negative values are rejected', () => {
    expect(parseArgs(['--probe-every', '250']).config.probeEvery).toBe(250);
    expect(parseArgs(['--probe-every=0']).config.probeEvery).toBe(0);
    expect(parseArgs(['--set', 'probeEvery=40']).config.probeEvery).toBe(40);
    expect(parseArgs(['--probe-every', '250', '--set', 'probeEvery=40']).config.probeEvery).toBe(40);
    expect(() => parseArgs(['--probe-every', '-5'])).toThrow(/probeEvery/);
    expect(() => parseArgs(['--probe-every'])).toThrow(/--probe-every needs a value/);
  });

  it('--threads N sets the batch-parallel replicas (default 1)', () => {
    expect(parseArgs([]).threads).toBe(1);
    expect(parseArgs(['--threads', '3']).threads).toBe(3);
  });

  it('rejects bad arguments with a message naming the problem', () => {
    const bad: [string[], RegExp][] = [
      [['--bogus'], /unknown argument "--bogus"/],
      [['--preset', 'nope'], /unknown preset "nope"/],
      [['--steps'], /--steps needs a value/],
      [['--steps', 'many'], /steps must be a number/],
      [['--steps', '0'], /steps must be an integer in \[1/],
      [['--backend', 'webgl'], /--backend must be one of cpu, wasm, webgpu/],
      [['--set', 'nokey'], /key=value/],
      [['--set', 'colour=red'], /unknown config key "colour"/],
      [['--set', 'schedule=linear'], /schedule must be one of/],
      [['--set', 'target=eps'], /target eps .* needs outputSpace latent/],
      [['--threads', '0'], /--threads must be an integer in \[1, 16\], got "0"/],
      [['--threads', '2.5'], /--threads must be an integer/],
      [['--threads', '2', '--backend', 'cpu'], /--threads 2 trains batch-parallel wasm replicas: it needs --backend wasm, got "cpu"/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv)).toThrow(CliError);
      expect(() => parseArgs(argv)).toThrow(message);
    }
  });

  it('the runner exits non-zero with one line on stderr for bad arguments', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', '--steps', 'x'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['experiment: steps must be a number, got "x"']);
  });
});

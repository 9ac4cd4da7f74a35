// scripts/check-imports.ts on a temporary fixture tree: it passes downhill imports and names each
// uphill one with its file and line.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBadImports } from '../../scripts/check-imports';

let root: string | null = null;

function tree(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), 'check-imports-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
});

const downhill = {
  'src/ldae/config.ts': 'export interface ExperimentConfig { seed: number }\nexport const DEFAULT_SEED = 1;\n',
  'src/ldae/trainer.ts': "import * as tf from '@tensorflow/tfjs';\nimport type { ExperimentConfig } from './config';\nimport type { Metrics } from '../types/run';\n",
  'src/types/run.ts': "import type { ExperimentConfig } from '../ldae/config';\nimport { type Grid } from './data';\nexport interface Metrics { cfg: ExperimentConfig; grid: Grid }\n",
  'src/types/data.ts': 'export interface Grid { side: number }\n',
  'src/engine/worker/worker.ts': "import { DEFAULT_SEED } from '../../ldae/config';\nimport type { EngineEvent } from '../protocol';\n",
  'src/engine/client/engineClient.ts': "import type { EngineEvent } from '../protocol';\n",
  'src/ui/App.tsx': "import { createEngineClient } from '../engine/client/engineClient';\nimport type { EngineEvent } from '../engine/protocol';\n",
  'src/backends/index.ts': "import { DEFAULT_SEED } from '../ldae/config';\n",
};

describe('check-imports', () => {
  it('passes a tree whose imports run downhill', () => {
    expect(findBadImports(tree(downhill))).toEqual([]);
  });

  it('catches ldae, data and types importing engine, ui or cli, and ldae importing backends', () => {
    const bad = findBadImports(
      tree({
        ...downhill,
        'src/ldae/probe/run.ts': "import type { EngineEvent } from '../../engine/protocol';\n",
        'src/data/load.ts': "\nimport { panel } from '../ui/panels/DatasetPanel';\n",
        'src/types/x.ts': "export * from '../cli/args';\n",
        'src/ldae/optim/adamw.ts': "import { installKernels } from '../../backends';\n",
      }),
    );
    expect(bad).toHaveLength(5);
    expect(bad.find((l) => l.startsWith('src/ldae/probe/run.ts:1: '))).toContain('may not import src/engine');
    expect(bad.find((l) => l.startsWith('src/data/load.ts:2: '))).toContain("import { panel } from '../ui/panels/DatasetPanel';");
    expect(bad.filter((l) => l.startsWith('src/types/x.ts:1: '))).toHaveLength(2); // uphill, and not a type from config
    expect(bad.find((l) => l.startsWith('src/ldae/optim/adamw.ts:1: '))).toContain('may not import src/backends');
  });

  it('keeps the page and the worker apart: they meet only in src/engine/protocol', () => {
    const bad = findBadImports(
      tree({
        ...downhill,
        'src/ui/Panel.tsx': "import { selectBackend } from '../engine/worker/backend';\n",
        'src/engine/client/other.ts': "import { createTrainingRunner } from '../worker/trainingRunner';\n",
        'src/engine/worker/runner.ts': "import { createEngineClient } from '../client/engineClient';\n",
      }),
    );
    expect(bad.map((l) => l.split(':')[0]).sort()).toEqual(['src/engine/client/other.ts', 'src/engine/worker/runner.ts', 'src/ui/Panel.tsx']);
    expect(bad.find((l) => l.startsWith('src/ui/Panel.tsx'))).toContain('may not import src/engine/worker');
    expect(bad.find((l) => l.startsWith('src/engine/worker/runner.ts'))).toContain('may not import src/engine/client');
  });

  it('lets src/types import only types from src/ldae/config', () => {
    const bad = findBadImports(
      tree({
        ...downhill,
        'src/types/a.ts': "import { DEFAULT_SEED } from '../ldae/config';\n",
        'src/types/b.ts': "import type { Tokenizer } from '../ldae/tokenizers/types';\n",
        'src/types/c.ts': "import * as tf from '@tensorflow/tfjs';\n",
      }),
    );
    expect(bad.map((l) => l.split(':')[0]).sort()).toEqual(['src/types/a.ts', 'src/types/b.ts', 'src/types/c.ts']);
    expect(bad.every((l) => l.includes('may import only types from src/ldae/config'))).toBe(true);
  });
});

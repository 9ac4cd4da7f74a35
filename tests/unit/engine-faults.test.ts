import { describe, expect, it } from 'vitest';
import { faultsFromSearchParams } from '../../src/engine/engineFaults';

const parse = (q: string) => faultsFromSearchParams(new URLSearchParams(q));

describe('?fault= on the page: the NaN guard, device loss and worker crash', () => {
  it('reads each kind and nothing when absent', () => {
    expect(parse('')).toEqual({ nan: null, engine: null, problem: null });
    expect(parse('fault=nan@12')).toEqual({ nan: { nanAtStep: 12 }, engine: null, problem: null });
    expect(parse('fault=device-lost@20')).toEqual({ nan: null, engine: { kind: 'device-lost', atStep: 20 }, problem: null });
    expect(parse('fault=crash@3')).toEqual({ nan: null, engine: { kind: 'crash', atStep: 3 }, problem: null });
  });

  it('names the valid forms for anything else', () => {
    for (const bad of ['fault=crash@0', 'fault=lost@3', 'fault=device-lost', 'fault=nan@x']) {
      const r = parse(bad);
      expect(r.nan).toBeNull();
      expect(r.engine).toBeNull();
      expect(r.problem).toMatch(/nan@K, device-lost@K or crash@K/);
    }
  });
});

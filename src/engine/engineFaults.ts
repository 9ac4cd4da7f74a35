// Faults the page can inject into its engine, for tests and demos of recovery:
//   ?fault=device-lost@K  the WebGPU device is destroyed after step K (as a driver reset would)
//   ?fault=crash@K        the worker closes itself after step K (as an out-of-memory kill would)
// ?fault=nan@K is the training guard's own (src/ldae/nonFinite.ts) and also works in the CLI.
import { parseFault, type FaultInjection } from '../ldae/nonFinite';

export interface EngineFault {
  kind: 'device-lost' | 'crash';
  /** Fires at the first metrics window that reaches this step. */
  atStep: number;
}

export interface PageFaults {
  nan: FaultInjection | null;
  engine: EngineFault | null;
  /** A spec that is none of the above, said in words (null: none or valid). */
  problem: string | null;
}

const ENGINE_FAULT = /^(device-lost|crash)@(\d+)$/;

export function faultsFromSearchParams(params: URLSearchParams): PageFaults {
  const spec = params.get('fault');
  if (spec === null) return { nan: null, engine: null, problem: null };
  const m = ENGINE_FAULT.exec(spec.trim());
  if (m && Number(m[2]) >= 1) return { nan: null, engine: { kind: m[1] as EngineFault['kind'], atStep: Number(m[2]) }, problem: null };
  try {
    return { nan: parseFault(spec), engine: null, problem: null };
  } catch {
    return {
      nan: null,
      engine: null,
      problem: `?fault=${spec} is ignored: fault must be nan@K, device-lost@K or crash@K with K >= 1 (the step it happens at)`,
    };
  }
}

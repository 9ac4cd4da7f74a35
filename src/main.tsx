import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromSearchParams } from './ldae/config';
import { applyPreset } from './ldae/presets';
import { faultsFromSearchParams } from './engine/engineFaults';
import { createEngineClient } from './engine/client/engineClient';
import { parseParallelParam, parseThreadsParam } from './backends/wasmThreadPlan';
import { App } from './ui/App';
import { connectEngine } from './ui/store/events';
import { useTeachingStore } from './ui/store/teachingStore';
import { pageParamsFrom } from './ui/teaching/pageParams';
import { openedFromSharedLink, presetFromParams } from './ui/runs/shareLink';
import { PHONE_QUERY, startingConfig } from './ui/teaching/smallScreen';
import { TOUR_STEPS } from './ui/teaching/tourSteps';
import './ui/styles.css';

const params = new URLSearchParams(window.location.search);
// ?preset= (Copy link) is applied first; the link's config keys then say the rest.
const shared = presetFromParams(params);
const starting = startingConfig(window.matchMedia(PHONE_QUERY).matches);
const { config, problems } = configFromSearchParams(params, shared.preset ? applyPreset(starting, shared.preset) : starting);
const page = pageParamsFrom(params, TOUR_STEPS.length);
const { nan: fault, engine: engineFault, problem: faultProblem } = faultsFromSearchParams(params);
// ?threads=N: wasm's thread count, a runtime setting of this page (not an experiment knob).
const threads = parseThreadsParam(params.get('threads'));
// ?parallel=kernels|batch: how wasm uses those threads (XNNPACK's pool, or one replica per thread).
const parallel = parseParallelParam(params.get('parallel'));
useTeachingStore.setState({ classroom: page.classroom, hidden: page.hidden });
connectEngine(createEngineClient(), {
  config,
  backend: config.backend,
  dataset: config.dataset,
  urlProblems: [...problems, ...(shared.problem ? [shared.problem] : []), ...page.problems, ...(faultProblem ? [faultProblem] : []), ...(threads.problem ? [threads.problem] : []), ...(parallel.problem ? [parallel.problem] : [])],
  fault,
  engineFault,
  threads: threads.threads,
  parallel: parallel.parallel,
  fromSharedLink: openedFromSharedLink(params),
  preset: shared.preset,
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App initialTourStep={page.tourStep} />
  </StrictMode>,
);

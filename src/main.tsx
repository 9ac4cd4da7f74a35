import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromSearchParams } from './ldae/config';
import { faultsFromSearchParams } from './engine/engineFaults';
import { createEngineClient } from './engine/client/engineClient';
import { parseThreadsParam } from './backends/wasmThreadPlan';
import { App } from './ui/App';
import { connectEngine } from './ui/store/events';
import { useTeachingStore } from './ui/store/teachingStore';
import { pageParamsFrom } from './ui/teaching/pageParams';
import { PHONE_QUERY, startingConfig } from './ui/teaching/smallScreen';
import { TOUR_STEPS } from './ui/teaching/tourSteps';
import './ui/styles.css';

const params = new URLSearchParams(window.location.search);
const { config, problems } = configFromSearchParams(params, startingConfig(window.matchMedia(PHONE_QUERY).matches));
const page = pageParamsFrom(params, TOUR_STEPS.length);
const { nan: fault, engine: engineFault, problem: faultProblem } = faultsFromSearchParams(params);
// ?threads=N: wasm's thread count, a runtime setting of this page (not an experiment knob).
const threads = parseThreadsParam(params.get('threads'));
useTeachingStore.setState({ classroom: page.classroom, hidden: page.hidden });
connectEngine(createEngineClient(), {
  config,
  backend: config.backend,
  dataset: config.dataset,
  urlProblems: [...problems, ...page.problems, ...(faultProblem ? [faultProblem] : []), ...(threads.problem ? [threads.problem] : [])],
  fault,
  engineFault,
  threads: threads.threads,
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App initialTourStep={page.tourStep} />
  </StrictMode>,
);

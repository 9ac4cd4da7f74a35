import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromSearchParams } from './ldae/config';
import { createEngineClient } from './engine/client';
import { parseThreadsParam } from './backends/wasmThreadPlan';
import { App } from './ui/App';
import { connectEngine } from './ui/store/events';
import './ui/styles.css';

const params = new URLSearchParams(window.location.search);
const { config, problems } = configFromSearchParams(params);
// ?threads=N: wasm's thread count, a runtime setting of this page (not an experiment knob).
const threads = parseThreadsParam(params.get('threads'));
const urlProblems = threads.problem ? [...problems, threads.problem] : problems;
connectEngine(createEngineClient(), { config, backend: config.backend, dataset: config.dataset, urlProblems, threads: threads.threads });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

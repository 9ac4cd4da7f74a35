import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromSearchParams } from './ldae/config';
import { faultFromSearchParams } from './ldae/nonFinite';
import { createEngineClient } from './engine/client/engineClient';
import { App } from './ui/App';
import { connectEngine } from './ui/store/events';
import './ui/styles.css';

const params = new URLSearchParams(window.location.search);
const { config, problems } = configFromSearchParams(params);
const { fault, problem: faultProblem } = faultFromSearchParams(params);
connectEngine(createEngineClient(), { config, backend: config.backend, dataset: config.dataset, urlProblems: faultProblem ? [...problems, faultProblem] : problems, fault });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

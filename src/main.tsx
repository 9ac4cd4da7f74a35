import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromSearchParams } from './ldae/config';
import { createEngineClient } from './engine/client/engineClient';
import { App } from './ui/App';
import { connectEngine } from './ui/store/events';
import './ui/styles.css';

const { config, problems } = configFromSearchParams(new URLSearchParams(window.location.search));
connectEngine(createEngineClient(), { config, backend: config.backend, dataset: config.dataset, urlProblems: problems });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

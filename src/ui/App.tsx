import { useEffect, useRef } from 'react';
import { ChartsArea } from './charts/ChartsArea';
import { DatasetPanel } from './DatasetPanel';
import { Notices } from './Notices';
import { ModelPanel } from './panels/ModelPanel';
import { NoisePanel } from './panels/NoisePanel';
import { ObjectivePanel } from './panels/ObjectivePanel';
import { PresetPanel } from './panels/PresetPanel';
import { ProbePanel } from './panels/ProbePanel';
import { TokenizerPanel } from './panels/TokenizerPanel';
import { TrainingPanel } from './panels/TrainingPanel';
import { RunControls } from './RunControls';
import { RunsPanel } from './runs/RunsPanel';
import { StatusBar } from './StatusBar';
import { useEngineStore } from './store/engineStore';
import { Announcer } from './Announcer';
import { ClassroomBanner } from './teaching/ClassroomBanner';
import { DrawerButton, PhoneNotice, SettingsDrawer } from './teaching/SmallScreen';
import { TeachingControls } from './teaching/TeachingControls';
import { startTour } from './teaching/tour';
import { DenoisingVisualizer } from './visualizer/DenoisingVisualizer';
import { TokenizerGallery } from './visualizer/TokenizerGallery';

/** Publishes the sticky header's height as --header-h so the control column can sit below it. */
function useHeaderHeight() {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const obs = new ResizeObserver(() => document.documentElement.style.setProperty('--header-h', `${el.offsetHeight}px`));
    obs.observe(el);
    return () => obs.disconnect();
  }, []);
  return ref;
}

export function App({ initialTourStep = null }: { initialTourStep?: number | null }) {
  const logs = useEngineStore((s) => s.logs);
  const header = useHeaderHeight();
  useEffect(() => {
    if (initialTourStep !== null) startTour(initialTourStep);
  }, [initialTourStep]);
  return (
    <div className="app">
      <header className="app-header" ref={header}>
        <div className="title-row">
          <h1>
            l-DAE Playground{' '}
            <a className="paper-link" href="https://arxiv.org/abs/2401.14404" target="_blank" rel="noreferrer">
              Deconstructing Denoising Diffusion Models for Self-Supervised Learning
            </a>
          </h1>
          <RunControls />
          <div className="header-tools">
            <TeachingControls />
            <DrawerButton />
          </div>
        </div>
        <StatusBar />
      </header>
      <Announcer />
      <ClassroomBanner />
      <PhoneNotice />
      <Notices />
      <div className="layout">
        <SettingsDrawer>
          <PresetPanel />
          <DatasetPanel />
          <TokenizerPanel />
          <NoisePanel />
          <ObjectivePanel />
          <ModelPanel />
          <TrainingPanel />
          <ProbePanel />
        </SettingsDrawer>
        <main className="main-area">
          <ChartsArea />
          <RunsPanel />
          <div className="visual-row">
            <DenoisingVisualizer />
            <TokenizerGallery />
          </div>
          <details className="panel engine-log">
            <summary>Engine log ({logs.length})</summary>
            <pre data-testid="engine-log" tabIndex={0}>{logs.join('\n')}</pre>
          </details>
        </main>
      </div>
    </div>
  );
}

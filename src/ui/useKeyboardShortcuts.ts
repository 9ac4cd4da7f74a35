import { useEffect } from 'react';
import { stepTraining, toggleTraining } from './store/actions';

export const SHORTCUTS = [
  { key: 'Space', does: 'Start training, or pause / resume it' },
  { key: '.', does: 'Step: one training step while paused' },
] as const;

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'A', 'SUMMARY'].includes(target.tagName);
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      if (e.key === ' ') {
        e.preventDefault();
        toggleTraining();
      } else if (e.key === '.') {
        e.preventDefault();
        stepTraining(1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

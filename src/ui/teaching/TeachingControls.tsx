// "Take the tour" (and "Resume the tour" after a tour closed half-way) and "Share for class".
import { useCallback, useRef, useState } from 'react';
import { useTeachingStore } from '../store/teachingStore';
import { ShareForClass } from './ShareForClass';
import { savedTourStep, startTour } from './tour';

export function TeachingControls() {
  const tourOpen = useTeachingStore((s) => s.tourIndex !== null);
  const [share, setShare] = useState(false);
  const shareButton = useRef<HTMLButtonElement>(null);
  const closeShare = useCallback(() => {
    setShare(false);
    shareButton.current?.focus();
  }, []);
  const resume = tourOpen ? null : savedTourStep();
  return (
    <div className="teaching-controls">
      <button type="button" onClick={() => startTour(1)}>
        Take the tour
      </button>
      {resume !== null && resume > 1 && (
        <button type="button" onClick={() => startTour(resume)}>
          Resume the tour (step {resume})
        </button>
      )}
      <span className="help-anchor">
        <button type="button" ref={shareButton} aria-expanded={share} aria-controls="share-for-class" onClick={() => setShare(!share)}>
          Share for class
        </button>
        {share && <ShareForClass onClose={closeShare} />}
      </span>
    </div>
  );
}

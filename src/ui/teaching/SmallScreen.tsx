// Phones: a notice (smaller model, settings in a drawer), the drawer's open button, and the drawer
// itself around the settings column.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useConfigStore } from '../store/configStore';
import { useTeachingStore } from '../store/teachingStore';
import { useMediaQuery } from '../useMediaQuery';
import { PHONE_QUERY } from './smallScreen';

const setDrawer = (open: boolean) => useTeachingStore.setState({ drawerOpen: open });

export function usePhone(): boolean {
  return useMediaQuery(PHONE_QUERY);
}

export function DrawerButton() {
  const open = useTeachingStore((s) => s.drawerOpen);
  if (!usePhone()) return null;
  return (
    <button type="button" className="drawer-button" aria-expanded={open} aria-controls="settings-drawer" onClick={() => setDrawer(!open)}>
      Settings
    </button>
  );
}

export function PhoneNotice() {
  const modelSize = useConfigStore((s) => s.config.modelSize);
  const [seen, setSeen] = useState(false);
  if (!usePhone() || seen) return null;
  return (
    <div className="notice error-line" data-testid="phone-notice">
      <p>
        Small screen: the settings are in the <strong>Settings</strong> drawer, and the model is {modelSize === 'micro' ? 'the micro size' : `the ${modelSize} size`} so a run
        finishes on a phone; a larger screen trains bigger models.
      </p>
      <button type="button" onClick={() => setSeen(true)}>
        Dismiss
      </button>
    </div>
  );
}

/** The settings column: always shown on wide screens, a drawer on phones (Esc closes it). */
export function SettingsDrawer({ children }: { children: ReactNode }) {
  const phone = usePhone();
  const open = useTeachingStore((s) => s.drawerOpen);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!phone || !open) return;
    ref.current?.querySelector<HTMLElement>('.drawer-close')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setDrawer(false);
        document.querySelector<HTMLElement>('.drawer-button')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phone, open]);
  return (
    <aside id="settings-drawer" ref={ref} className={`control-column${phone ? ' drawer' : ''}`} aria-label="Settings" hidden={phone && !open}>
      {phone && (
        <button type="button" className="drawer-close" onClick={() => setDrawer(false)}>
          Close settings
        </button>
      )}
      {children}
    </aside>
  );
}

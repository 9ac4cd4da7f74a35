// `Copy link`: the page's URL with the config and the preset, to the clipboard; where the browser
// refuses, the link in a text field to copy by hand.
import { useState } from 'react';
import { useConfigStore } from '../store/configStore';
import { shareLink } from './shareLink';

export function CopyLink() {
  const config = useConfigStore((s) => s.config);
  const [said, setSaid] = useState<{ text: string; link: string | null } | null>(null);
  const copy = async () => {
    const link = shareLink(config, window.location);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setSaid({ text: 'Link copied: it opens this page with these settings and preset.', link: null });
    } catch {
      setSaid({ text: 'Copying is not allowed here: select the link below and copy it.', link });
    }
  };
  return (
    <div className="copy-link">
      <button type="button" onClick={copy}>
        Copy link
      </button>{' '}
      <span role="status" data-testid="copy-link-status">
        {said?.text}
      </span>
      {said?.link && (
        <input
          type="text"
          readOnly
          className="copy-link-fallback"
          aria-label="Link to this configuration"
          data-testid="copy-link-fallback"
          value={said.link}
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  );
}

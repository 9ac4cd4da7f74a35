// Says the page is in classroom mode (a link with ?hide=) and offers every control back.
import { useTeachingStore } from '../store/teachingStore';
import { setPageParam } from './pageUrl';

function showAllControls(): void {
  useTeachingStore.setState({ classroom: false, hidden: [] });
  setPageParam('hide', null);
}

export function ClassroomBanner() {
  const classroom = useTeachingStore((s) => s.classroom);
  const hidden = useTeachingStore((s) => s.hidden);
  if (!classroom) return null;
  return (
    <div className="notice classroom-banner" data-testid="classroom-banner">
      <p>
        <strong>Classroom mode:</strong> this link fixes the settings
        {hidden.length > 0 ? (
          <>
            {' '}
            and hides {hidden.length === 1 ? 'one control' : `${hidden.length} controls`}: {hidden.join(', ')}
          </>
        ) : null}
        .
      </p>
      <button type="button" onClick={showAllControls}>
        Show all controls
      </button>
    </div>
  );
}

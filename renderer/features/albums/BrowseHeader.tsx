import { Icon } from '../../components/Icon.js';
import { useBrowseStore } from '../../stores/browse.js';

/** "Back" to the previous album or artist place, else to the listing of this section. */
export function BackButton({ section }: { section: 'albums' | 'artists' }) {
  const canGoBack = useBrowseStore((state) => state.history.length > 0);
  const { back, showListing } = useBrowseStore.getState();
  return (
    <button className="button browse__back" onClick={() => (canGoBack ? back() : showListing(section))}>
      <Icon name="back" size={14} /> {canGoBack ? 'Back' : section === 'albums' ? 'All albums' : 'All artists'}
    </button>
  );
}

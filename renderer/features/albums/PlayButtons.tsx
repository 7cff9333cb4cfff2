import { Icon } from '../../components/Icon.js';
import { useQueueStore } from '../../stores/queue.js';

/** Play, Play next and Add to queue for a list of tracks (an album, an artist). */
export function PlayButtons({ trackIds, what }: { trackIds: number[]; what: string }) {
  const { playNow, playNext, addToQueue } = useQueueStore.getState();
  const none = trackIds.length === 0;
  return (
    <div className="browse-actions" role="group" aria-label={`Play ${what}`}>
      <button className="button button--primary" disabled={none} onClick={() => playNow(trackIds, 0)}>
        <Icon name="play" size={14} /> Play
      </button>
      <button className="button" disabled={none} onClick={() => playNext(trackIds)}>
        Play next
      </button>
      <button className="button" disabled={none} onClick={() => addToQueue(trackIds)}>
        Add to queue
      </button>
    </div>
  );
}

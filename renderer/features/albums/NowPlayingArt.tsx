import { AlbumArt, trackArt } from '../../components/AlbumArt.js';
import { useQueueStore } from '../../stores/queue.js';

/** The playing track's art for the now-playing bar (its row comes with the queue). */
export function NowPlayingArt({ trackId, size = 48 }: { trackId: number; size?: number }) {
  const row = useQueueStore((state) => state.rows[trackId]);
  return <AlbumArt art={row ? trackArt(row) : null} name={row?.album ?? null} size={size} decorative />;
}

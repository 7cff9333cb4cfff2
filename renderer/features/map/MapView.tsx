import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type WheelEvent } from 'react';
import type { LibraryMapPoint } from '../../../core/api/contract.js';
import { api } from '../../api/client.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { numberFormat } from '../../components/format.js';
import { useMapStore } from '../../stores/map.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';
import { genreLegend, NO_GENRE, OTHER_GENRES } from './legend.js';
import { AlbumArt } from '../../components/AlbumArt.js';
import './map.css';

/** Screen position = layout position × scale + offset (CSS pixels of the canvas). */
interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

const PADDING = 24;
/** A pointer within this many pixels of a point is on it. */
const HIT_RADIUS = 9;
/** After the library changes, the map asks for a new layout once changes pause this long. */
const RELOAD_DELAY_MS = 2000;

/** Smaller points for bigger libraries, so clusters stay readable. */
function pointRadius(count: number): number {
  return count > 20_000 ? 1.3 : count > 2000 ? 2 : count > 200 ? 3 : 5;
}

/** Above this many points, dots are stamped into the pixels directly: paths of arcs take ~90 ms per redraw at 20,000. */
const STAMP_ABOVE = 5000;

/** Writes each point as a small disc of opaque-ish pixels (no anti-aliasing: the dots are a few pixels wide). */
function stampPoints(
  context: CanvasRenderingContext2D,
  groups: Array<{ colour: string; alpha: number; points: LibraryMapPoint[] }>,
  view: View,
  radius: number,
): void {
  const { width, height } = context.canvas;
  const ratio = width / context.canvas.getBoundingClientRect().width || 1;
  const image = context.createImageData(width, height);
  const data = image.data;
  const reach = Math.max(1, Math.round(radius * ratio));
  const disc: number[] = [];
  for (let dy = -reach; dy <= reach; dy++) for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= reach * reach + reach) disc.push(dx, dy);
  for (const { colour, alpha, points } of groups) {
    const [red, green, blue] = rgb(colour);
    const opacity = Math.round(alpha * 255);
    for (const point of points) {
      const cx = Math.round((point.x * view.scale + view.offsetX) * ratio);
      const cy = Math.round((point.y * view.scale + view.offsetY) * ratio);
      for (let k = 0; k < disc.length; k += 2) {
        const x = cx + disc[k];
        const y = cy + disc[k + 1];
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const i = (y * width + x) * 4;
        data[i] = red;
        data[i + 1] = green;
        data[i + 2] = blue;
        data[i + 3] = opacity;
      }
    }
  }
  context.putImageData(image, 0, 0);
}

/** "#rrggbb" → [r, g, b]. */
function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** The canvas's 2D context, its backing store sized to the device's pixels, cleared; null before layout. */
function sizedContext(canvas: HTMLCanvasElement | null, size: { width: number; height: number }): CanvasRenderingContext2D | null {
  if (!canvas || size.width === 0) return null;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(size.width * ratio);
  canvas.height = Math.round(size.height * ratio);
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, size.width, size.height);
  return context;
}

/** The Map section: every analysed track placed by how it sounds (UMAP of the similarity vectors), coloured by genre. */
export function MapView() {
  const { map, status, loading, error, load, stopPolling } = useMapStore();

  useEffect(() => {
    void load();
    let timer: number | null = null;
    const unsubscribe = api.on('tracks-changed', () => {
      if (timer !== null) clearTimeout(timer);
      timer = window.setTimeout(() => void load(), RELOAD_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      stopPolling();
    };
  }, [load, stopPolling]);

  const count = map?.points.length ?? 0;
  let body;
  if (error && !map) {
    body = (
      <EmptyState icon="alert" title="The map could not be made">
        <p>{error}</p>
        <button className="button" onClick={() => void load()}>
          Try again
        </button>
      </EmptyState>
    );
  } else if (!map) {
    body = (
      <div className="map__computing" role="status">
        <p>{loading ? 'Laying out the library by sound…' : ''}</p>
        {status?.state === 'computing' && status.progress !== null && <ProgressBar value={status.progress} label="Map layout progress" />}
      </div>
    );
  } else if (count === 0) {
    body = (
      <EmptyState icon="music" title="Nothing to map yet">
        <p>Tracks appear on the map once they are analysed.</p>
        <GoToLibraryButton />
      </EmptyState>
    );
  } else {
    body = <MapCanvas points={map.points} />;
  }

  return (
    <main className="library map" aria-label="Map">
      <header className="library__header">
        <div className="library__title">
          <h1>Map</h1>
          {map && <span className="library__count">{`${numberFormat.format(count)} ${count === 1 ? 'track' : 'tracks'}`}</span>}
          {(map?.stale || status?.state === 'computing') && map && (
            <span className="map__state" role="status">
              Updating the layout…
            </span>
          )}
        </div>
        <p className="map__intro muted">Tracks that sound alike sit close together. Hover a point to see it, click to open it.</p>
      </header>
      <div className="library__body">{body}</div>
    </main>
  );
}

function MapCanvas({ points }: { points: LibraryMapPoint[] }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [zoom, setZoom] = useState<View | null>(null);
  const [hover, setHover] = useState<LibraryMapPoint | null>(null);
  const [focusGenre, setFocusGenre] = useState<string | null>(null);
  const drag = useRef<{ x: number; y: number; view: View; moved: boolean } | null>(null);
  const openId = useTrackStore((state) => state.openId);
  const openTrack = useTrackStore((state) => state.open);
  const soundsLike = usePlaylistsStore((state) => state.soundsLike);

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const observer = new ResizeObserver(([entry]) => setSize({ width: entry.contentRect.width, height: entry.contentRect.height }));
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  const fitted = useMemo<View>(() => {
    const scale = Math.max(1, Math.min(size.width, size.height) - 2 * PADDING);
    return { scale, offsetX: (size.width - scale) / 2, offsetY: (size.height - scale) / 2 };
  }, [size]);
  const view = zoom ?? fitted;
  const viewRef = useRef(view);
  viewRef.current = view;

  const legend = useMemo(() => genreLegend(points), [points]);

  const selected = useMemo(() => points.find((point) => point.id === openId) ?? null, [points, openId]);

  const radius = pointRadius(points.length);
  const byGenre = useMemo(() => {
    const groups = new Map<string, LibraryMapPoint[]>();
    for (const point of points) {
      const key = legend.keyOf(point);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(point);
    }
    return groups;
  }, [points, legend]);

  // The points are drawn only when they or the view change; hover and selection rings go on a
  // canvas of their own above them, so moving the pointer never redraws 100,000 points.
  useEffect(() => {
    const context = sizedContext(canvasRef.current, size);
    if (!context) return;
    const alphaOf = (genre: string) => (focusGenre === null || focusGenre === genre ? 0.9 : 0.12);
    // Faded genres first, so the highlighted one is drawn over them.
    const groups = [...byGenre].sort(([a], [b]) => alphaOf(a) - alphaOf(b));
    if (points.length > STAMP_ABOVE) {
      stampPoints(context, groups.map(([genre, group]) => ({ colour: legend.colourOf(genre), alpha: alphaOf(genre), points: group })), view, radius);
      return;
    }
    for (const [genre, group] of groups) {
      context.globalAlpha = alphaOf(genre);
      context.fillStyle = legend.colourOf(genre);
      context.beginPath();
      for (const point of group) {
        const x = point.x * view.scale + view.offsetX;
        const y = point.y * view.scale + view.offsetY;
        context.moveTo(x + radius, y);
        context.arc(x, y, radius, 0, 2 * Math.PI);
      }
      context.fill();
    }
  }, [byGenre, legend, view, size, radius, focusGenre]);

  useEffect(() => {
    const context = sizedContext(overlayRef.current, size);
    if (!context) return;
    const accent = getComputedStyle(overlayRef.current!).getPropertyValue('--accent').trim() || '#5b4ee8';
    for (const [point, ring] of [
      [hover, 'rgba(127, 127, 140, 0.9)'],
      [selected, accent],
    ] as const) {
      if (!point) continue;
      context.beginPath();
      context.lineWidth = 2.5;
      context.strokeStyle = ring;
      context.arc(point.x * view.scale + view.offsetX, point.y * view.scale + view.offsetY, radius + 4, 0, 2 * Math.PI);
      context.stroke();
    }
  }, [hover, selected, view, size, radius]);

  // The track panel opens over the right of the map: bring a point it would hide into the visible part.
  useEffect(() => {
    const frame = frameRef.current;
    const panel = document.querySelector('.track-panel');
    if (!selected || !frame || !panel) return;
    const frameLeft = frame.getBoundingClientRect().left;
    const visibleWidth = panel.getBoundingClientRect().left - frameLeft;
    // Only when the selection changes (viewRef): panning afterwards is the user's.
    const current = viewRef.current;
    const x = selected.x * current.scale + current.offsetX;
    if (visibleWidth > 0 && x > visibleWidth - HIT_RADIUS * 3) setZoom({ ...current, offsetX: current.offsetX - (x - visibleWidth / 2) });
  }, [selected]);

  /** The point under the pointer (nearest within HIT_RADIUS), skipping faded genres. */
  const pointAt = useCallback(
    (clientX: number, clientY: number): LibraryMapPoint | null => {
      const rect = canvasRef.current!.getBoundingClientRect();
      const x = clientX - rect.left;
      const y = clientY - rect.top;
      let best: LibraryMapPoint | null = null;
      let bestDistance = HIT_RADIUS * HIT_RADIUS;
      for (const point of points) {
        if (focusGenre !== null && legend.keyOf(point) !== focusGenre) continue;
        const dx = point.x * view.scale + view.offsetX - x;
        const dy = point.y * view.scale + view.offsetY - y;
        const distance = dx * dx + dy * dy;
        if (distance <= bestDistance) {
          bestDistance = distance;
          best = point;
        }
      }
      return best;
    },
    [points, legend, view, focusGenre],
  );

  const onMouseMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const dragging = drag.current;
    if (dragging && event.buttons === 1) {
      const dx = event.clientX - dragging.x;
      const dy = event.clientY - dragging.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) dragging.moved = true;
      if (dragging.moved) setZoom({ ...dragging.view, offsetX: dragging.view.offsetX + dx, offsetY: dragging.view.offsetY + dy });
      return;
    }
    const point = pointAt(event.clientX, event.clientY);
    if (point?.id !== hover?.id) setHover(point);
  };

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    const wasDrag = drag.current?.moved;
    drag.current = null;
    if (wasDrag) return;
    const point = pointAt(event.clientX, event.clientY);
    if (point) void openTrack(point.id);
  };

  const onWheel = (event: WheelEvent<HTMLCanvasElement>) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const scale = Math.min(fitted.scale * 64, Math.max(fitted.scale * 0.5, view.scale * factor));
    const applied = scale / view.scale;
    setZoom({ scale, offsetX: x - (x - view.offsetX) * applied, offsetY: y - (y - view.offsetY) * applied });
  };

  /** Arrow keys walk to the nearest point in that direction; Enter opens it (it is already open: selection = the track panel). */
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const directions: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const direction = directions[event.key];
    if (!direction) return;
    event.preventDefault();
    const from = selected ?? { x: 0.5, y: 0.5, id: -1 };
    let best: LibraryMapPoint | null = null;
    let bestCost = Infinity;
    for (const point of points) {
      if (point.id === from.id) continue;
      const dx = point.x - from.x;
      const dy = point.y - from.y;
      const along = dx * direction[0] + dy * direction[1];
      if (along <= 0) continue;
      // Prefer points straight ahead: sideways distance costs double.
      const cost = along + 2 * Math.abs(dx * direction[1] - dy * direction[0]);
      if (cost < bestCost) {
        bestCost = cost;
        best = point;
      }
    }
    if (best) void openTrack(best.id);
  };

  const hoverStyle = hover ? { left: hover.x * view.scale + view.offsetX, top: hover.y * view.scale + view.offsetY } : undefined;
  return (
    <div className="map__layout">
      <aside className="map__side" aria-label="Map legend and selection">
        {selected && (
          <section className="map__selection" aria-label="Selected track">
            <h2 className="section-title">Selected</h2>
            <p className="map__selection-title">{selected.title ?? selected.fileName}</p>
            <p className="muted">{[selected.artist, selected.genre].filter(Boolean).join(' · ')}</p>
            <div className="map__selection-actions">
              <button className="button" onClick={() => useQueueStore.getState().playTrack(selected.id)}>
                <Icon name="play" /> Play
              </button>
              <button className="button button--primary" onClick={() => void soundsLike(selected.id)}>
                <Icon name="sparkle" /> Sounds like this
              </button>
            </div>
          </section>
        )}
        <section aria-label="Genres">
          <h2 className="section-title">Genres</h2>
          <ul className="map__legend">
            {legend.entries.map(({ key, colour, count, genres }) => (
              <li key={key}>
                <button
                  className={`map__legend-item${focusGenre === key ? ' map__legend-item--active' : ''}`}
                  aria-pressed={focusGenre === key}
                  title={focusGenre === key ? 'Show every genre' : `Highlight ${key}`}
                  onClick={() => setFocusGenre(focusGenre === key ? null : key)}
                >
                  <span className="genre-dot" style={{ background: colour }} aria-hidden="true" />
                  <span className="map__legend-name">{key === OTHER_GENRES ? `${genres} other genres` : key}</span>
                  <span className="map__legend-count">{numberFormat.format(count)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      </aside>
      <div className="map__frame" ref={frameRef}>
        <canvas
          ref={canvasRef}
          className="map__canvas"
          style={{ width: size.width, height: size.height }}
          tabIndex={0}
          role="img"
          aria-label={`Map of ${numberFormat.format(points.length)} tracks, coloured by genre. Arrow keys move between tracks.`}
          data-scale={view.scale}
          data-offset-x={view.offsetX}
          data-offset-y={view.offsetY}
          data-selected-id={selected?.id}
          onMouseDown={(event) => {
            drag.current = { x: event.clientX, y: event.clientY, view, moved: false };
          }}
          onMouseMove={onMouseMove}
          onMouseLeave={() => setHover(null)}
          onClick={onClick}
          onWheel={onWheel}
          onKeyDown={onKeyDown}
        />
        <canvas ref={overlayRef} className="map__canvas map__overlay" style={{ width: size.width, height: size.height }} aria-hidden="true" />
        {hover && (
          <div className="map__tooltip" role="tooltip" style={hoverStyle}>
            <AlbumArt art={hover.artHash ? { trackId: hover.id, hash: hover.artHash } : null} name={hover.album} size={48} className="map__tooltip-art" />
            <strong>{hover.title ?? hover.fileName}</strong>
            {hover.artist && <span>{hover.artist}</span>}
            <span className="map__tooltip-genre">
              <span className="genre-dot" style={{ background: legend.colourOf(legend.keyOf(hover)) }} aria-hidden="true" />
              {hover.genre ?? NO_GENRE}
            </span>
          </div>
        )}
        {zoom && (
          <button className="button map__reset" onClick={() => setZoom(null)}>
            Reset view
          </button>
        )}
      </div>
    </div>
  );
}

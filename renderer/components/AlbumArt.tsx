import { useState } from 'react';
import { api } from '../api/client.js';

/** Where a picture comes from: a track's art, by that track and the art's content hash. */
export interface ArtRef {
  trackId: number;
  hash: string;
}

/** The art of a track row (null when it has none). */
export const trackArt = (row: { id: number; artHash: string | null }): ArtRef | null => (row.artHash ? { trackId: row.id, hash: row.artHash } : null);

/**
 * Album art, or, for an album with none (or art that fails to load), a placeholder drawn from the
 * album's name: its initials on a colour of its own, so albums without art still tell apart.
 * Never a broken image.
 */
export function AlbumArt({
  art,
  name,
  size,
  className = '',
  fluid = false,
  decorative = false,
}: {
  art: ArtRef | null;
  name: string | null;
  size: number;
  className?: string;
  fluid?: boolean;
  /** Inside a control already named by its text (the now-playing bar's track button): no name of its own. */
  decorative?: boolean;
}) {
  const [failed, setFailed] = useState<string | null>(null);
  const label = decorative ? '' : name ? `Album art: ${name}` : 'Album art';
  // A fluid picture fills its box (a grid card); `size` then only sets the placeholder's letters.
  const style = fluid ? {} : { width: size, height: size };
  if (art && failed !== art.hash) {
    return (
      <img
        className={`album-art ${className}`}
        src={api.artUrl(art.trackId, art.hash)}
        alt={label}
        width={size}
        height={size}
        style={style}
        loading="lazy"
        decoding="async"
        draggable={false}
        onError={() => setFailed(art.hash)}
      />
    );
  }
  const hue = nameHue(name ?? '');
  return (
    <span
      className={`album-art album-art--placeholder ${className}`}
      role={decorative ? undefined : 'img'}
      aria-hidden={decorative || undefined}
      aria-label={decorative ? undefined : name ? `No album art: ${name}` : 'No album art'}
      style={{ ...style, background: `linear-gradient(135deg, hsl(${hue} 46% 52%), hsl(${(hue + 40) % 360} 52% 36%))`, fontSize: Math.max(9, Math.round(size * 0.36)) }}
    >
      <span aria-hidden="true">{initials(name)}</span>
    </span>
  );
}

/** Up to two initials of a name's words ("The Dark Side of the Moon" → "DS"), skipping articles; "♪" for none. */
export function initials(name: string | null): string {
  const words = (name ?? '').split(/[\s\-_/]+/).filter((word) => /\p{L}|\p{N}/u.test(word));
  const significant = words.filter((word) => !/^(the|a|an|of|and|&|le|la|les|el|die|der|das)$/i.test(word));
  const picked = (significant.length ? significant : words).slice(0, 2);
  const letters = picked.map((word) => [...word.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '').join('');
  return letters ? letters.toUpperCase() : '♪';
}

function nameHue(name: string): number {
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 360;
}

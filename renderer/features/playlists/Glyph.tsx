/** Icons of the playlist and map pages, drawn like components/Icon.tsx (24-unit strokes). */
const paths = {
  playlist: 'M4 6h12M4 11h12M4 16h7M17 13v7M17 20a2 2 0 1 1-2-2h2',
  map: 'M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2zM9 4v14M15 6v14',
  sparkle: 'M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8zM19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8z',
  grip: 'M9 6h.01M9 12h.01M9 18h.01M15 6h.01M15 12h.01M15 18h.01',
  more: 'M12 3a9 9 0 1 1 0 18a9 9 0 0 1 0-18zM8 12h8M12 8v8',
  less: 'M12 3a9 9 0 1 1 0 18a9 9 0 0 1 0-18zM8 12h8',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  save: 'M5 4h11l3 3v13H5zM8 4v5h7V4M8 20v-6h8v6',
  export: 'M12 15V4M7 9l5-5 5 5M5 15v5h14v-5',
  import: 'M12 4v11M7 10l5 5 5-5M5 15v5h14v-5',
  trash: 'M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13',
} as const;

export type GlyphName = keyof typeof paths;

export function Glyph({ name, size = 16 }: { name: GlyphName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === 'grip' ? 3 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={true}
    >
      <path d={paths[name]} />
    </svg>
  );
}

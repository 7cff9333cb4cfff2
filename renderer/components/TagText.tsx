import type { InferredTag, TrackRow } from '../../core/api/contract.js';

/** A tag's value; one read from the file's path (its tags lack it) is set in italics and says so. */
export function TagText({ row, tag, className }: { row: Pick<TrackRow, InferredTag | 'inferred' | 'folder' | 'fileName'>; tag: InferredTag; className?: string }) {
  const value = row[tag];
  if (!row.inferred.includes(tag)) return <span className={className}>{value}</span>;
  return (
    <span className={`${className ?? ''} inferred`} title={`No ${tag} tag: read from the file's path (${row.folder ? `${row.folder}/` : ''}${row.fileName})`}>
      {value}
    </span>
  );
}

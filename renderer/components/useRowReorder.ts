import { useState, type DragEvent } from 'react';

/** Where a row stands in a drag: being dragged, or where the dragged row would land (before or after it). */
export type RowDragState = 'dragging' | 'drop-before' | 'drop-after';

/**
 * Drag-to-reorder for an ordered list of rows (the queue, a playlist): which row is dragged, where it
 * would land, and the drag handlers to spread on each row. `move(from, to)` is called on a drop.
 */
export function useRowReorder(move: (from: number, to: number) => void) {
  const [dragging, setDragging] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const endDrag = () => {
    setDragging(null);
    setDropAt(null);
  };

  const dragState = (index: number): RowDragState | null => {
    if (index === dragging) return 'dragging';
    if (dropAt !== index || dragging === null) return null;
    return dragging < index ? 'drop-after' : 'drop-before';
  };

  const rowDragProps = (index: number) => ({
    draggable: true,
    onDragStart: (event: DragEvent) => {
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', String(index));
      setDragging(index);
    },
    onDragOver: (event: DragEvent) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      if (dropAt !== index) setDropAt(index);
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      const from = dragging ?? Number(event.dataTransfer.getData('text/plain'));
      endDrag();
      if (Number.isInteger(from)) move(from, index);
    },
    onDragEnd: endDrag,
  });

  return { dragState, rowDragProps };
}

import type { ReactNode } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import type { IconName } from '../../components/Icon.js';
import { numberFormat } from '../../components/format.js';

/** "12 albums", or "3 of 12 albums" while a search or filter narrows the list; '' before it is loaded. */
export function browseCount(list: { shown: number; total: number } | null, one: string, many: string): string {
  if (!list) return '';
  if (list.shown === list.total) return `${numberFormat.format(list.total)} ${list.total === 1 ? one : many}`;
  return `${numberFormat.format(list.shown)} of ${numberFormat.format(list.total)} ${many}`;
}

/**
 * The body of a browse list (albums, artists): why it could not be listed, nothing while it loads, what
 * to do when the library has none, a way out when the filters match none, else the list itself.
 */
export function BrowseListState(props: {
  many: string;
  error: string | null;
  list: { shown: number; total: number } | null;
  emptyIcon: IconName;
  emptyHint: string;
  onClearFilters(): void;
  children: ReactNode;
}) {
  const { many, error, list } = props;
  if (error) {
    return (
      <EmptyState icon="alert" title={`Timbre could not list the ${many}`}>
        <p>{error}</p>
      </EmptyState>
    );
  }
  if (!list) return null;
  if (list.total === 0) {
    return (
      <EmptyState icon={props.emptyIcon} title={`No ${many} yet`}>
        <p>{props.emptyHint}</p>
      </EmptyState>
    );
  }
  if (list.shown === 0) {
    return (
      <EmptyState icon="search" title={`No ${many} match`}>
        <button className="button" onClick={props.onClearFilters}>
          Clear search and filter
        </button>
      </EmptyState>
    );
  }
  return <>{props.children}</>;
}

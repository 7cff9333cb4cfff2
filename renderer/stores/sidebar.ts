import { create } from 'zustand';

/** The user's choice for windows wide enough for the full sidebar, kept across reloads. */
const COLLAPSED_KEY = 'timbre.sidebar.collapsed';

/**
 * Below this window width the sidebar folds to its icon rail by itself: beside the full 264-px sidebar
 * the main area is under 896 px, where the library table drops its album column and cuts titles,
 * artists and genres short, and the filter bar wraps. The rail gives those 208 px back.
 */
export const NARROW_WINDOW_PX = 1160;

interface SidebarState {
  /** Whether the user folded the sidebar to its rail (in a wide window). */
  collapsed: boolean;
  /** Whether the window is too narrow for the full sidebar beside the content: it is a rail there. */
  narrow: boolean;
  /** In a narrow window, the full sidebar opened over the content until a section is chosen or Escape. */
  openOver: boolean;
  /** The toggle: folds or unfolds (remembered) in a wide window, opens or closes over the content in a narrow one. */
  toggle(): void;
  /** Closes the sidebar opened over the content in a narrow window. */
  closeOver(): void;
}

export const useSidebarStore = create<SidebarState>((set, get) => {
  const query = window.matchMedia(`(width < ${NARROW_WINDOW_PX}px)`);
  query.addEventListener('change', (event) => set({ narrow: event.matches, openOver: false }));
  return {
    collapsed: localStorage.getItem(COLLAPSED_KEY) === 'true',
    narrow: query.matches,
    openOver: false,
    toggle() {
      if (get().narrow) {
        set({ openOver: !get().openOver });
        return;
      }
      const collapsed = !get().collapsed;
      localStorage.setItem(COLLAPSED_KEY, String(collapsed));
      set({ collapsed });
    },
    closeOver() {
      if (get().openOver) set({ openOver: false });
    },
  };
});

/** Whether the sidebar shows in full (labels, folders, scan status) rather than as its icon rail. */
export const selectSidebarExpanded = (state: SidebarState): boolean => (state.narrow ? state.openOver : !state.collapsed);

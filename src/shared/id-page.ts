import { idCursorOf, type IdPageWindow } from './keyset-cursor.js';
import { idPageWindowOf, toPage, type ListOptions, type Page, type PageWindow } from './paging.js';

/**
 * A page of a list in id order (users, genres, directors): its rows, then, only when asked for,
 * the count of all of them.
 */
export async function idOrderedPage<T extends { readonly id: number }>(
  window: PageWindow,
  options: ListOptions,
  listRows: (rows: IdPageWindow) => Promise<T[]>,
  countRows: () => Promise<number>,
): Promise<Page<T>> {
  const rows = await listRows(idPageWindowOf(window));
  const total = options.count ? await countRows() : undefined;
  return toPage(rows, window, idCursorOf, total);
}

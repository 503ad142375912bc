import type { ListOptions, Page, PageWindow } from '../../shared/paging.js';

export interface Named {
  id: number;
  name: string;
}

export interface NamedInput {
  id?: number;
  name?: string;
}

/** Genres and directors: the same five operations, with their own rules behind them. */
export interface NamedResourceService {
  list(window: PageWindow, options: ListOptions): Promise<Page<Named>>;
  get(id: number): Promise<Named>;
  create(name: string): Promise<Named>;
  update(id: number, input: NamedInput): Promise<void>;
  remove(id: number): Promise<void>;
}

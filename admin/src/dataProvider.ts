// react-admin's data provider for this API: lists by `page`/`per_page` with
// `Prefer: count=exact` (the total comes back in X-Total-Count), `sort=-year` style ordering,
// the movie filters as query parameters, and PATCH with only the fields that changed. The API's
// error body reaches react-admin as an HttpError whose body is that error: `errors` lands on the
// form's fields, `message` (a 409's "still in use") in the notification.
import type { DataProvider, Identifier, RaRecord, SortPayload } from 'react-admin';
import { apiFetch } from './session';

/** What each resource lets a client write, and sort by (the API's `sort` names). */
const RESOURCES: Record<string, { writable: readonly string[]; sortable: readonly string[] }> = {
  movies: {
    writable: ['title', 'description', 'trailer', 'year', 'rating', 'genre_id', 'director_id'],
    sortable: ['id', 'title', 'year', 'rating'],
  },
  directors: { writable: ['name'], sortable: [] },
  genres: { writable: ['name'], sortable: [] },
  users: { writable: ['role'], sortable: [] },
};
const MOVIE_FILTERS = ['search', 'genre_id', 'director_id', 'year'] as const;
/** Text the API stores as "" when empty; react-admin's inputs give null for an emptied field. */
const TEXT_FIELDS = new Set(['description', 'trailer']);

const rules = (resource: string) => {
  const rule = RESOURCES[resource];
  if (rule === undefined) throw new Error(`Unknown resource ${resource}`);
  return rule;
};

function writableBody(resource: string, data: Record<string, unknown>, before?: RaRecord) {
  const body: Record<string, unknown> = {};
  for (const field of rules(resource).writable) {
    if (!(field in data)) continue;
    let value = data[field];
    if (value === undefined) continue;
    if (value === null && TEXT_FIELDS.has(field)) value = '';
    if (before !== undefined && JSON.stringify(before[field] ?? null) === JSON.stringify(value)) {
      continue;
    }
    body[field] = value;
  }
  return body;
}

/** The API's JSON as the record type react-admin asked for (each method is generic in it). */
const typed = <T>(json: unknown): T => json as T;

const path = (resource: string, id: Identifier) => `/${resource}/${encodeURIComponent(String(id))}`;
const one = async (resource: string, id: Identifier) => (await apiFetch(path(resource, id))).json;

/** The API's largest page. */
const API_PAGE = 100;
/** How many genres or directors a form's choice list holds (ten API pages). */
export const CHOICES = 1000;

async function listPage(
  resource: string,
  page: number,
  perPage: number,
  sort: SortPayload | undefined,
  filter: Record<string, unknown> | undefined,
): Promise<{ data: RaRecord[]; total: number }> {
  const query = new URLSearchParams();
  query.set('page', String(page));
  query.set('per_page', String(perPage));
  const field = sort?.field;
  // id ascending is the API's own order; leaving it out lets a search answer by relevance.
  if (
    field &&
    rules(resource).sortable.includes(field) &&
    !(field === 'id' && sort.order === 'ASC')
  ) {
    query.set('sort', `${sort.order === 'DESC' ? '-' : ''}${field}`);
  }
  if (resource === 'movies') {
    for (const name of MOVIE_FILTERS) {
      const value: unknown = filter?.[name];
      if (value === undefined || value === null || String(value).trim() === '') continue;
      query.set(name, String(value));
    }
  }
  const { json, headers } = await apiFetch(`/${resource}/?${query}`, {
    headers: new Headers({ prefer: 'count=exact' }),
  });
  const data = json as RaRecord[];
  return { data, total: Number(headers.get('x-total-count') ?? data.length) };
}

export const dataProvider: DataProvider = {
  async getList(resource, { pagination, sort, filter }) {
    const page = pagination?.page ?? 1;
    const perPage = pagination?.perPage ?? 12;
    // A choice list (CHOICES) asks for more than the API's largest page: its pages in turn.
    const size = Math.min(perPage, API_PAGE);
    const pages = Math.ceil(perPage / size);
    const data: RaRecord[] = [];
    let total = 0;
    for (let next = (page - 1) * pages + 1; next <= page * pages; next += 1) {
      const part = await listPage(resource, next, size, sort, filter);
      data.push(...part.data);
      total = part.total;
      if (part.data.length < size) break;
    }
    return { data: typed(data), total };
  },

  getOne: async (resource, { id }) => ({ data: typed(await one(resource, id)) }),

  async getMany(resource, { ids }) {
    const unique = [...new Set(ids.map(String))];
    return { data: typed(await Promise.all(unique.map((id) => one(resource, id)))) };
  },

  async getManyReference(resource, params) {
    return this.getList(resource, {
      ...params,
      filter: { ...params.filter, [params.target]: params.id },
    });
  },

  async create(resource, { data }) {
    const { json } = await apiFetch(`/${resource}/`, {
      method: 'POST',
      body: JSON.stringify(writableBody(resource, data as Record<string, unknown>)),
    });
    return { data: typed(json) };
  },

  async update(resource, { id, data, previousData }) {
    const body = writableBody(resource, data as Record<string, unknown>, previousData);
    if (Object.keys(body).length > 0) {
      await apiFetch(path(resource, id), {
        method: 'PATCH',
        body: JSON.stringify(body),
      });
    }
    return { data: typed(await one(resource, id)) };
  },

  async updateMany(resource, { ids, data }) {
    for (const id of ids) {
      await apiFetch(path(resource, id), {
        method: 'PATCH',
        body: JSON.stringify(writableBody(resource, data as Record<string, unknown>)),
      });
    }
    return { data: ids };
  },

  async delete(resource, { id, previousData }) {
    await apiFetch(path(resource, id), { method: 'DELETE' });
    return { data: typed(previousData ?? { id }) };
  },

  async deleteMany(resource, { ids }) {
    // One at a time: a genre still in use stops the rest with its 409 message.
    for (const id of ids) {
      await apiFetch(path(resource, id), { method: 'DELETE' });
    }
    return { data: ids };
  },
};

// What the benchmark learns from the catalog it runs on: ids, and words from titles to search for.
export interface CatalogSample {
  readonly movieIds: number[];
  readonly genreIds: number[];
  readonly directorIds: number[];
  /** Lower-case words of three letters or more from the titles. */
  readonly titleWords: string[];
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

export async function sampleCatalog(url: string, token: string): Promise<CatalogSample> {
  const movies = await getJson<{ id: number; title: string }[]>(
    `${url}/movies/?per_page=100`,
    token,
  );
  const genres = await getJson<{ id: number }[]>(`${url}/genres/?per_page=100`, token);
  const directors = await getJson<{ id: number }[]>(`${url}/directors/?per_page=100`, token);
  const words = movies.flatMap(({ title }) =>
    title
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => [...word].length >= 3),
  );
  return {
    movieIds: movies.map(({ id }) => id),
    genreIds: genres.map(({ id }) => id),
    directorIds: directors.map(({ id }) => id),
    titleWords: [...new Set(words)],
  };
}

// The signed-in session: the API's own tokens. The access token lives in memory only; the refresh
// token is kept in this tab's sessionStorage so a reload stays signed in (closing the tab ends it).
// Every API call goes through `apiFetch`, which refreshes the access token shortly before it
// expires, and once more when the API answers 401, with one refresh in flight however many calls
// wait for it.
import { fetchUtils, HttpError } from 'react-admin';

const REFRESH_KEY = 'movie-catalog-admin.refresh';
/** Refresh this long before the access token expires (half its life for tokens under a minute). */
const EARLY_MS = 30_000;

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

export interface Me {
  readonly id: number;
  readonly username: string;
  readonly role: 'admin' | 'user';
}

let access: { token: string; refreshAt: number } | null = null;
/** Counts sign-ins and sign-outs: a refresh that was under way when the session ended is dropped. */
let generation = 0;
let me: Me | null = null;
let refreshing: Promise<void> | null = null;

const storedRefresh = (): string | null => sessionStorage.getItem(REFRESH_KEY);

function keep(tokens: Tokens): void {
  const lifetime = tokens.expires_in * 1000;
  access = {
    token: tokens.access_token,
    refreshAt: Date.now() + lifetime - Math.min(EARLY_MS, lifetime / 2),
  };
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
}

function forget(): void {
  generation += 1;
  access = null;
  me = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

async function postTokens(method: 'POST' | 'PUT', body: unknown): Promise<Tokens> {
  const { json } = await fetchUtils.fetchJson('/auth/', {
    method,
    body: JSON.stringify(body),
  });
  return json as Tokens;
}

/** One refresh for everyone waiting; a refused refresh ends the session. */
function refresh(): Promise<void> {
  refreshing ??= (async () => {
    const token = storedRefresh();
    if (token === null) throw new HttpError('Please sign in', 401);
    const started = generation;
    try {
      const tokens = await postTokens('PUT', { refresh_token: token });
      // Signed out (or in as someone else) meanwhile: this pair belongs to no one here.
      if (generation !== started) throw new HttpError('Please sign in', 401);
      keep(tokens);
    } catch (error) {
      if (generation !== started) throw new HttpError('Please sign in', 401);
      // A refused refresh token ends the session; no network or a 5xx leaves it for the next try.
      if (!(error instanceof HttpError) || error.status !== 401) throw error;
      forget();
      throw new HttpError('Your session has ended: please sign in again', 401);
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function accessToken(): Promise<string> {
  if (access === null || access.refreshAt <= Date.now()) await refresh();
  if (access === null) throw new HttpError('Please sign in', 401);
  return access.token;
}

/** A JSON call to the API with the access token; refreshes it and tries once more on a 401. */
export async function apiFetch(
  url: string,
  options: fetchUtils.Options = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const call = async () => {
    const headers = new Headers(options.headers as HeadersInit | undefined);
    headers.set('authorization', `Bearer ${await accessToken()}`);
    return fetchUtils.fetchJson(url, { ...options, headers });
  };
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 401) throw error;
    await refresh();
    return call();
  }
}

async function loadMe(): Promise<Me> {
  const { json } = await apiFetch('/user/');
  me = json as Me;
  return me;
}

export async function signIn(username: string, password: string): Promise<Me> {
  forget();
  keep(await postTokens('POST', { username, password }));
  return loadMe();
}

/** Revokes the refresh token's family on the server, then forgets both tokens here. */
export async function signOut(): Promise<void> {
  const token = storedRefresh();
  forget();
  if (token === null) return;
  try {
    await fetchUtils.fetchJson('/auth/', {
      method: 'DELETE',
      body: JSON.stringify({ refresh_token: token }),
    });
  } catch (error) {
    // The API answers 204 for a token already expired or revoked. Anything else (no network, a
    // 5xx) leaves the family alive on the server until it expires: say so where it can be seen.
    console.error('Signing out did not reach the API; the session ends here only', error);
  }
}

export const hasSession = (): boolean => access !== null || storedRefresh() !== null;

/** Who is signed in, read from the API (`GET /user/`), so a role taken away shows at once. */
export const currentUser = async (): Promise<Me> => me ?? loadMe();
export const reloadCurrentUser = loadMe;

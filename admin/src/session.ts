// The signed-in session: the API's own tokens. The access token lives in memory only; the refresh
// token is kept in this tab's sessionStorage so a reload stays signed in (closing the tab ends it).
// Every API call goes through `apiFetch`, which refreshes the access token shortly before it
// expires, and once more when the API answers 401, with one refresh in flight however many calls
// wait for it.
import { fetchUtils, HttpError } from 'react-admin';

const REFRESH_KEY = 'movie-catalog-admin.refresh';
/** Refresh this long before the access token expires. */
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

let access: { token: string; expiresAt: number } | null = null;
let me: Me | null = null;
let refreshing: Promise<void> | null = null;

const storedRefresh = (): string | null => sessionStorage.getItem(REFRESH_KEY);

function keep(tokens: Tokens): void {
  access = { token: tokens.access_token, expiresAt: Date.now() + tokens.expires_in * 1000 };
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
}

function forget(): void {
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
    try {
      keep(await postTokens('PUT', { refresh_token: token }));
    } catch (error) {
      forget();
      throw error instanceof HttpError && error.status === 401
        ? new HttpError('Your session has ended: please sign in again', 401)
        : error;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function accessToken(): Promise<string> {
  if (access === null || access.expiresAt - EARLY_MS <= Date.now()) await refresh();
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
  } catch {
    // Already expired or revoked: signed out either way.
  }
}

export const hasSession = (): boolean => access !== null || storedRefresh() !== null;

/** Who is signed in, read from the API (`GET /user/`), so a role taken away shows at once. */
export const currentUser = async (): Promise<Me> => me ?? loadMe();
export const reloadCurrentUser = loadMe;

// Runs in the browser, on another origin than the API: the movie website's calls, step by step.
const api = new URLSearchParams(location.search).get('api');
const steps = document.getElementById('steps');
const email = `site-${Date.now()}@example.com`;
let tokens = null;

async function call(method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  headers.Authorization = `Bearer ${token ?? 'undefined'}`;
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    link: response.headers.get('Link'),
  };
}

function step(name, ok, detail) {
  const item = document.createElement('li');
  item.textContent = `${ok ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`;
  item.className = ok ? 'ok' : 'failed';
  steps.appendChild(item);
  if (!ok) throw new Error(name);
}

async function run() {
  const home = await call('GET', '/movies/?status=new&per_page=8');
  step(
    'home page anonymously',
    home.status === 200 && home.body.length === 8,
    `${home.status}, Link ${home.link}`,
  );
  const genres = await call('GET', '/genres');
  step('genres anonymously', genres.status === 200 && genres.body.length >= 18);
  const registered = await call('POST', '/auth/register/', {
    body: { email, password: 'site-password-1' },
  });
  step(
    'register',
    registered.status === 201 && registered.body.email === email,
    String(registered.status),
  );
  const login = await call('POST', '/auth/login/', {
    body: { email, password: 'site-password-1' },
  });
  step('log in', login.status === 201, String(login.status));
  tokens = login.body;
  const movies = await call('GET', '/movies/?genre_id=4', { token: tokens.access_token });
  step('list movies', movies.status === 200 && movies.body.every((movie) => movie.genre_id === 4));
  const movie = await call('GET', `/movies/${movies.body[0].id}/`, { token: tokens.access_token });
  step('open a movie', movie.status === 200 && movie.body.trailer.startsWith('http'));
  const added = await call('POST', `/favorites/movies/${movie.body.id}/`, {
    token: tokens.access_token,
  });
  step('add a favourite', added.status === 204, String(added.status));
  const favourites = await call('GET', '/favorites/movies/', { token: tokens.access_token });
  step('see favourites', favourites.status === 200 && favourites.body[0]?.id === movie.body.id);
  const removed = await call('DELETE', `/favorites/movies/${movie.body.id}/`, {
    token: tokens.access_token,
  });
  step('remove a favourite', removed.status === 204, String(removed.status));
  const profile = await call('PATCH', '/user/', {
    body: { name: 'Анна', surname: 'Кино', favourite_genre: '4' },
    token: tokens.access_token,
  });
  step('edit the profile', profile.status === 204, String(profile.status));
  const me = await call('GET', '/user/', { token: tokens.access_token });
  step('read the profile', me.body.name === 'Анна' && me.body.favourite_genre === 4);
  const password = await call('PUT', '/user/password/', {
    body: { old_password: 'site-password-1', new_password: 'site-password-2' },
    token: tokens.access_token,
  });
  step('change the password', password.status === 204, String(password.status));
  const again = await call('POST', '/auth/login/', {
    body: { email, password: 'site-password-2' },
  });
  step('log in again', again.status === 201, String(again.status));
  tokens = again.body;
  const refreshed = await call('PUT', '/auth/login/', {
    body: { refresh_token: tokens.refresh_token, access_token: tokens.access_token },
  });
  step(
    'refresh the tokens',
    refreshed.status === 201 && refreshed.body.access_token !== tokens.access_token,
    String(refreshed.status),
  );
  const after = await call('GET', '/user/', { token: refreshed.body.access_token });
  step('use the new access token', after.status === 200);
  const unauthorized = await call('GET', '/user/');
  step(
    'a 401 is readable across origins',
    unauthorized.status === 401 && unauthorized.body.code === 'unauthorized',
  );
}

run().then(
  () => (document.getElementById('result').textContent = 'all steps passed'),
  (error) => (document.getElementById('result').textContent = `failed: ${error.message}`),
);

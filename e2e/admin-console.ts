// The admin console (GET /admin/) in Chromium, as its users use it, each step checked against the
// API itself: sign in as an admin, create a genre, create a movie with it (an error from the API
// shown on the field it names first), sort and page the list, edit the title, delete the movie
// with confirmation, see a 409 as a message, sign out (the refresh token's family revoked), sign
// in as a user and find the catalog read-only. Along the way: no Content-Security-Policy
// violation or other console error, axe-core finds no WCAG A/AA violation on the pages, keyboard
// focus is visible. Against a server with a short access-token lifetime, the console must also
// refresh its token as it goes.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './docs-page.js';

interface Account {
  readonly username: string;
  readonly password: string;
}

export interface AdminConsoleCheck {
  readonly steps: string[];
  readonly failures: string[];
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The API, called directly, as the admin: logs in again before its (short-lived) token expires. */
class Api {
  private token = '';
  private loggedInAt = 0;
  private account: Account | null = null;

  constructor(readonly baseUrl: string) {}

  async login(account: Account): Promise<void> {
    this.account = account;
    this.token = '';
    const { body } = await this.call('POST', '/auth/', account);
    this.token = (body as { access_token: string }).access_token;
    this.loggedInAt = Date.now();
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    if (this.account !== null && this.token !== '' && Date.now() - this.loggedInAt > 15_000) {
      await this.login(this.account);
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token === '' ? {} : { authorization: `Bearer ${this.token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  }
}

async function signIn(page: Page, baseUrl: string, account: Account): Promise<void> {
  await page.goto(`${baseUrl}/admin/#/login`);
  await page.getByLabel(/^Username/).fill(account.username);
  await page.getByLabel(/^Password/).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('heading', { name: 'Movies' })
    .or(page.locator('.RaList-main'))
    .first()
    .waitFor();
}

/** Waits until the list's first row shows the title the API puts first for this query. */
async function firstRowAsApi(page: Page, api: Api, query: string): Promise<string> {
  const rows = (await api.call('GET', `/movies/?${query}`)).body as { title: string }[];
  const title = rows[0]?.title ?? '?';
  await page.locator('tbody tr').first().getByText(title, { exact: true }).waitFor();
  return title;
}

async function axeViolations(page: Page): Promise<string[]> {
  // MUI's colour transitions take 250 ms: mid-way, a button just enabled is grey on blue.
  await page.waitForTimeout(400);
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
    });
    return result.violations.map(
      (v) =>
        `${v.id} at ${v.nodes
          .map(
            (n) =>
              `${n.target.join(' ')} ${(n as unknown as { html: string }).html.slice(0, 160)} (${(n as unknown as { failureSummary?: string }).failureSummary?.replace(/\s+/g, ' ')})`,
          )
          .slice(0, 3)
          .join(', ')}`,
    );
  });
  return violations;
}

/**
 * The focused element's outline, and its contrast against the nearest background behind it.
 * Plain JavaScript text: tsx would name the inner functions with a helper the page lacks.
 */
const FOCUS_RING = `(() => {
  const element = document.activeElement;
  if (element === null || element === document.body) return { visible: false, text: 'nothing focused' };
  const rgb = (color) => (color.match(/[\\d.]+/g) || []).map(Number);
  const channel = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r = 0, g = 0, b = 0]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let behind = 'rgb(255, 255, 255)';
  for (let node = element.parentElement; node !== null; node = node.parentElement) {
    const background = getComputedStyle(node).backgroundColor;
    const alpha = rgb(background)[3] ?? 1;
    if (background !== 'transparent' && alpha > 0) { behind = background; break; }
  }
  const style = getComputedStyle(element);
  const a = luminance(rgb(style.outlineColor));
  const b = luminance(rgb(behind));
  const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const name = (element.getAttribute('aria-label') || element.textContent || '').trim().slice(0, 30);
  return {
    visible: style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 2 && contrast >= 3,
    text: element.tagName.toLowerCase() + ' "' + name + '": outline ' + style.outlineStyle + ' ' +
      style.outlineWidth + ' ' + style.outlineColor + ' on ' + behind + ', contrast ' + contrast.toFixed(1),
  };
})()`;

const focusRing = (page: Page) =>
  page.evaluate(FOCUS_RING) as Promise<{ visible: boolean; text: string }>;

export async function checkAdminConsole(
  baseUrl: string,
  admin: Account,
  screenshotPath: string,
  /** The server's access tokens are short enough that the console must refresh during the run. */
  expectRefresh: boolean,
): Promise<AdminConsoleCheck> {
  const steps: string[] = [];
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => (ok ? steps : failures).push(what);
  let page: Page | null = null;
  const api = new Api(baseUrl);
  await api.login(admin);
  const suffix = Date.now().toString(36);
  const user = { username: `e2e-reader-${suffix}`, password: `reader-${suffix}-pass` };
  check(
    (await api.call('POST', '/users/', user)).status === 201,
    `registered ${user.username} through the API`,
  );
  const doomed = { username: `e2e-doomed-${suffix}`, password: `doomed-${suffix}-pass` };
  const made = await api.call('POST', '/users/', doomed);
  const doomedId = (made.body as { id: number }).id;
  check(made.status === 201, `registered ${doomed.username} through the API, to be deleted`);
  // More directors than one API page holds: the last must still be a choice in the movie form.
  let directorName = '';
  let directorId = 0;
  for (let i = 0; i < 101; i += 1) {
    directorName = `E2E режиссёр ${suffix} ${i}`;
    directorId = (
      (await api.call('POST', '/directors/', { name: directorName })).body as { id: number }
    ).id;
  }
  check(
    directorId > 100,
    `made 101 more directors through the API, the last "${directorName}" (id ${directorId})`,
  );

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/admin/'))
        apiCalls.push(`${request.method()} ${url.pathname}${url.search}`);
    });

    // The console's page itself: its own policy, the API's other security headers.
    const response = await page.goto(`${baseUrl}/admin/`);
    const headers = response?.headers() ?? {};
    check(
      (headers['content-security-policy'] ?? '').includes("script-src 'self'") &&
        headers['x-content-type-options'] === 'nosniff' &&
        headers['x-frame-options'] !== undefined,
      "GET /admin/ carries its Content-Security-Policy and the API's security headers",
    );
    await page.getByLabel(/^Username/).waitFor();
    const loginA11y = await axeViolations(page);
    check(
      loginA11y.length === 0,
      `sign-in page: axe finds ${loginA11y.length ? loginA11y.join('; ') : 'no violations'}`,
    );

    await signIn(page, baseUrl, admin);
    check(true, 'signed in as an admin');

    // A genre, created in the console.
    const genreName = `E2E жанр ${suffix}`;
    await page.goto(`${baseUrl}/admin/#/genres/create`);
    await page.getByLabel(/Genre name/).fill(genreName);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Element created').waitFor();
    const genres = (await api.call('GET', '/genres/?per_page=100&page=1')).body as {
      id: number;
      name: string;
    }[];
    const genre = genres.find((g) => g.name === genreName);
    check(
      genre !== undefined,
      `created genre "${genreName}" (id ${genre?.id}), found through the API`,
    );

    // A movie with it: first with a year the API refuses, shown on the year field.
    const title = `E2E фильм ${suffix}`;
    await page.goto(`${baseUrl}/admin/#/movies/create`);
    await page.getByLabel(/^Title/).fill(title);
    await page.getByLabel('Year').fill('1500');
    await page.getByLabel('Genre').click();
    await page.getByRole('option', { name: genreName }).click();
    await page.getByLabel('Director').click();
    await page.getByRole('option', { name: directorName }).click();
    const refused = (await api.call('POST', '/movies/', { title, year: 1500 })).body as {
      errors?: Record<string, string>;
    };
    const yearError = refused.errors?.year ?? '(the API gave no year error)';
    await page.getByRole('button', { name: 'Save' }).click();
    const yearHelp = page.locator('.ra-input-year, [class*="ra-input-year"]').getByText(yearError);
    await yearHelp.first().waitFor();
    check(true, `the API's "${yearError}" shown on the Year field`);
    await page.getByLabel('Year').fill('2001');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/#\/movies\/\d+\/show$/);
    const movieId = Number(/#\/movies\/(\d+)\/show$/.exec(page.url())?.[1]);
    const created = (await api.call('GET', `/movies/${movieId}`)).body as {
      title: string;
      year: number;
      genre_id: number;
      director_id: number;
    };
    check(
      created.title === title &&
        created.year === 2001 &&
        created.genre_id === genre?.id &&
        created.director_id === directorId,
      `created movie ${movieId} "${title}", 2001, in the new genre, by director ${directorId}, as the API shows it`,
    );

    // Sort and page the list, against the API's own answers.
    await page.goto(`${baseUrl}/admin/#/movies`);
    await page.locator('tbody tr').first().waitFor();
    await page.locator('thead').getByText('Year', { exact: true }).click();
    await page.waitForURL(/sort=year/);
    await page.waitForResponse(
      (r) => r.url().includes('sort=year') && r.url().includes('/movies/'),
    );
    const byYear = await firstRowAsApi(page, api, 'sort=year&page=1&per_page=12');
    check(true, `sorted by year: first row "${byYear}", as GET /movies/?sort=year`);
    await page.locator('thead').getByText('Year', { exact: true }).click();
    await page.waitForResponse((r) => r.url().includes('sort=-year'));
    const byYearDown = await firstRowAsApi(page, api, 'sort=-year&page=1&per_page=12');
    check(true, `sorted by year, descending: first row "${byYearDown}"`);
    await page.getByRole('button', { name: 'Go to next page' }).click();
    await page.waitForResponse((r) => r.url().includes('sort=-year') && r.url().includes('page=2'));
    const pageTwo = await firstRowAsApi(page, api, 'sort=-year&page=2&per_page=12');
    check(true, `page 2: first row "${pageTwo}", as the API's page 2`);
    const listA11y = await axeViolations(page);
    check(
      listA11y.length === 0,
      `movie list: axe finds ${listA11y.length ? listA11y.join('; ') : 'no violations'}`,
    );
    // Keyboard focus: a few tabs in (the app bar), then a link of the list: each shows a ring
    // of at least 3:1 against what is behind it (WCAG 2.2 focus appearance).
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('Tab');
    const appBarFocus = await focusRing(page);
    check(appBarFocus.visible, `focus visible after Tab: ${appBarFocus.text}`);
    await page.getByRole('link', { name: 'Edit' }).first().focus();
    const listFocus = await focusRing(page);
    check(listFocus.visible, `focus visible on a list link: ${listFocus.text}`);

    // Edit the title; the API has it.
    const newTitle = `${title} (edited)`;
    await page.goto(`${baseUrl}/admin/#/movies/${movieId}`);
    await page.getByLabel(/^Title/).fill(newTitle);
    const editA11y = await axeViolations(page);
    check(
      editA11y.length === 0,
      `movie form: axe finds ${editA11y.length ? editA11y.join('; ') : 'no violations'}`,
    );
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Element updated').waitFor();
    const edited = (await api.call('GET', `/movies/${movieId}`)).body as { title: string };
    check(edited.title === newTitle, `edited the title: the API answers "${edited.title}"`);

    // Delete it, confirmed in a dialog.
    await page.goto(`${baseUrl}/admin/#/movies/${movieId}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/#\/movies(\?|$)/);
    check(
      (await api.call('GET', `/movies/${movieId}`)).status === 404,
      `deleted movie ${movieId} after confirming: the API answers 404`,
    );

    // A genre still in use: the API's 409 as a message, nothing deleted.
    const inUse = (await api.call('GET', '/movies/?per_page=1&page=1&sort=id')).body as {
      genre_id: number;
    }[];
    const usedGenre = inUse[0]?.genre_id;
    await page.goto(`${baseUrl}/admin/#/genres/${usedGenre}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    const conflict = (await api.call('DELETE', `/genres/${usedGenre}`)).body as { message: string };
    await page.getByText(conflict.message).first().waitFor();
    check(
      (await api.call('GET', `/genres/${usedGenre}`)).status === 200,
      `deleting genre ${usedGenre} (in use) showed "${conflict.message}"; the genre is still there`,
    );

    // Users: a role changed, an account deleted (after confirming), both seen through the API.
    const registered = (await api.call('GET', '/users/?per_page=100&page=1')).body as {
      id: number;
      username: string;
    }[];
    const reader = registered.find((u) => u.username === user.username);
    await page.goto(`${baseUrl}/admin/#/users/${reader?.id}`);
    await page.getByLabel(/^Role/).click();
    await page.getByRole('option', { name: 'admin' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Element updated').waitFor();
    const promoted = (await api.call('GET', `/users/${reader?.id}`)).body as { role: string };
    await page.goto(`${baseUrl}/admin/#/users/${reader?.id}`);
    await page.getByLabel(/^Role/).click();
    await page.getByRole('option', { name: 'user' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Element updated').waitFor();
    const demoted = (await api.call('GET', `/users/${reader?.id}`)).body as { role: string };
    check(
      promoted.role === 'admin' && demoted.role === 'user',
      `changed ${user.username}'s role to admin and back: the API said ${promoted.role}, then ${demoted.role}`,
    );
    await page.goto(`${baseUrl}/admin/#/users`);
    await page
      .getByRole('row')
      .filter({ hasText: doomed.username })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Element deleted').waitFor();
    check(
      (await api.call('GET', `/users/${doomedId}`)).status === 404,
      `deleted user ${doomed.username} after confirming: the API answers 404`,
    );

    // The picture in the README: the list by rating, best first.
    await page.goto(
      `${baseUrl}/admin/#/movies?${new URLSearchParams({ filter: '{}', order: 'DESC', page: '1', perPage: '12', sort: 'rating' })}`,
    );
    await page.locator('tbody tr').first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: screenshotPath });

    // Sign out: the refresh token this tab held is revoked.
    const refreshToken = await page.evaluate(() =>
      sessionStorage.getItem('movie-catalog-admin.refresh'),
    );
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('menuitem', { name: 'Logout' }).click();
    await page.getByLabel(/^Username/).waitFor();
    const reuse = await api.call('PUT', '/auth/', { refresh_token: refreshToken });
    check(reuse.status === 401, `signed out: the console's refresh token now gets ${reuse.status}`);
    const refreshes = apiCalls.filter((call) => call.startsWith('PUT /auth/')).length;
    if (expectRefresh) {
      check(refreshes > 0, `the console refreshed its access token ${refreshes} times on its own`);
    }

    // A user: the catalog, read-only.
    await signIn(page, baseUrl, user);
    await page.locator('tbody tr').first().waitFor();
    const editLinks = await page.getByRole('link', { name: 'Edit' }).count();
    const createLinks = await page.getByRole('link', { name: 'Create' }).count();
    const usersMenu = await page.getByRole('menuitem', { name: 'Users' }).count();
    check(
      editLinks === 0 && createLinks === 0 && usersMenu === 0,
      `signed in as a user: ${editLinks} edit, ${createLinks} create, ${usersMenu} users links`,
    );
    // Pages a user may not open: react-admin's access-denied page, no form.
    for (const hash of ['#/movies/1', '#/movies/create', '#/genres/1', '#/users']) {
      await page.goto(`${baseUrl}/admin/${hash}`);
      await page.getByText("You don't have the right permissions to access this page").waitFor();
      check(
        (await page.getByRole('button', { name: 'Save' }).count()) === 0,
        `a user opening ${hash} is told it is not theirs, with no form`,
      );
    }
    // Read-only elsewhere too: a movie's page and the genre list have no edit or delete buttons.
    await page.goto(`${baseUrl}/admin/#/movies/1/show`);
    await page.getByText('Йеллоустоун').first().waitFor();
    await page.goto(`${baseUrl}/admin/#/genres`);
    await page.locator('tbody tr').first().waitFor();
    const genreEdits = await page.getByRole('link', { name: 'Edit' }).count();
    await page.goto(`${baseUrl}/admin/#/movies/1/show`);
    await page.getByText('Йеллоустоун').first().waitFor();
    const showEdits =
      (await page.getByRole('link', { name: 'Edit' }).count()) +
      (await page.getByRole('button', { name: 'Delete' }).count());
    check(
      genreEdits === 0 && showEdits === 0,
      `as a user: ${genreEdits} edit links on genres, ${showEdits} edit or delete on a movie's page`,
    );

    const cspErrors = consoleErrors.filter((text) =>
      /Content Security Policy|Refused to/i.test(text),
    );
    check(
      cspErrors.length === 0,
      `no Content-Security-Policy violations${cspErrors.length ? `: ${cspErrors.join(' | ')}` : ''}`,
    );
    const otherErrors = consoleErrors.filter(
      (text) => !cspErrors.includes(text) && !/status of (400|401|403|404|409)/.test(text),
    );
    check(
      otherErrors.length === 0,
      `no other console errors${otherErrors.length ? `: ${otherErrors.join(' | ')}` : ''}`,
    );
  } catch (error) {
    const where = page === null ? '' : ` at ${page.url()}`;
    failures.push(
      `stopped${where}: ${error instanceof Error ? error.message.split('\n').slice(0, 2).join(' ') : String(error)}`,
    );
    await page
      ?.screenshot({ path: screenshotPath.replace(/\.png$/, '-failed.png') })
      .catch(() => undefined);
  } finally {
    await browser.close();
  }
  return { steps, failures };
}

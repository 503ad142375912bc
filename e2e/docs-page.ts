import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

// Йеллоустоун with one letter left out.
const SEARCH = 'йелоустоун';

export interface DocsCheck {
  readonly status: string;
  readonly showsDemoTitle: boolean;
  /** The request Swagger UI sent carried the search typed into its `search` field. */
  readonly searched: boolean;
}

/**
 * Opens /docs in Chromium, authorizes with an access token, runs "Try it out" on GET /movies/
 * with a search typed in with a typo ("йелоустоун") and reads the response the page shows.
 */
export async function checkDocsPage(
  baseUrl: string,
  accessToken: string,
  screenshotPath: string,
): Promise<DocsCheck> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with "apt-get install chromium" or set CHROMIUM_PATH`,
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${baseUrl}/docs`);
    await page.click('button.authorize');
    await page.fill('.modal-ux input[type=text]', accessToken);
    await page.click('.modal-ux button.authorize');
    await page.click('.modal-ux button.btn-done');

    const operation = page.locator('#operations-movies-get_movies_');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('tr[data-param-name="search"] input').fill(SEARCH);
    await operation.locator('button.execute').click();
    const responses = operation.locator('.live-responses-table');
    const status = responses.locator('.response .response-col_status').first();
    await status.waitFor();
    const shown = (await responses.textContent()) ?? '';
    const requestUrl = (await operation.locator('.request-url').textContent()) ?? '';
    await operation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath });
    return {
      status: ((await status.textContent()) ?? '').trim(),
      showsDemoTitle: shown.includes('Йеллоустоун'),
      searched: decodeURIComponent(requestUrl).includes(`search=${SEARCH}`),
    };
  } finally {
    await browser.close();
  }
}

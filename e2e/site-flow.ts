import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './docs-page.js';

const FILES: Record<string, string> = { '/': 'index.html', '/flow.js': 'flow.js' };

/** Serves the stand-in of the movie website: another origin than the API. */
export async function serveSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const file = FILES[(request.url ?? '/').split('?')[0] ?? '/'];
    if (!file) return void response.writeHead(404).end();
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
    response
      .writeHead(200, { 'content-type': type })
      .end(readFileSync(new URL(`site/${file}`, import.meta.url)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    server,
    origin: `http://localhost:${typeof address === 'object' && address ? address.port : 0}`,
  };
}

/** Runs the website's flow in Chromium and returns each step's line and the outcome. */
export async function runSiteFlow(
  siteOrigin: string,
  apiUrl: string,
): Promise<{ steps: string[]; result: string }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${siteOrigin}/?api=${encodeURIComponent(apiUrl)}`);
    await page.waitForFunction(
      () => document.getElementById('result')?.textContent !== 'running',
      null,
      { timeout: 30_000 },
    );
    return {
      steps: await page.locator('#steps li').allTextContents(),
      result: (await page.textContent('#result')) ?? '',
    };
  } finally {
    await browser.close();
  }
}

import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';

/** Environment plus an optional .env in the working directory; a bad setting ends the process. */
export function loadConfigOrExit(overrides: Record<string, string> = {}): Config {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    return loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(`Configuration error: ${message}`);
    process.exit(78);
  }
}

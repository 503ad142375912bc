import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';

/** Environment plus an optional .env in the working directory; a bad setting ends the process. */
export function loadConfigOrExit(): Config {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    return loadConfig(process.env);
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(`Configuration error: ${message}`);
    process.exit(78);
  }
}

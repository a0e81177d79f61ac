// Public entry of the agents' console: the single-page app at /console (bot/console/app/), built at start.
export { consoleRoutes, consolePolicy } from './routes.ts';
export { loadConsoleBundle } from './bundle.ts';
